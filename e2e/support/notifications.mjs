// A desktop's notification server on the test session's D-Bus (org.freedesktop.Notifications,
// the interface notify-rust speaks): it records every Notify the app sends and can click one
// (the `default` action, as a desktop does when the person clicks the bubble).
import dbus from 'dbus-next';

const NAME = 'org.freedesktop.Notifications';
const PATH = '/org/freedesktop/Notifications';

/**
 * Takes the notification server's name on the session bus (the tests' own `dbus-run-session`).
 * @returns {Promise<{shown: Array<{id: number, app: string, summary: string, body: string, actions: string[]}>, click: (id: number) => void, stop: () => void}>}
 */
export async function fakeNotifications() {
  const bus = dbus.sessionBus();
  const shown = [];
  let next = 1;

  class Server extends dbus.interface.Interface {
    GetCapabilities() {
      return ['actions', 'body'];
    }

    GetServerInformation() {
      return ['citewise-e2e', 'citewise', '1', '1.2'];
    }

    Notify(app, _replaces, _icon, summary, body, actions) {
      const id = next;
      next += 1;
      shown.push({ id, app, summary, body, actions });
      return id;
    }

    CloseNotification(id) {
      this.NotificationClosed(id, 3);
    }

    /** Signals: calling them emits them. */
    ActionInvoked(id, key) {
      return [id, key];
    }

    NotificationClosed(id, reason) {
      return [id, reason];
    }
  }
  Server.configureMembers({
    methods: {
      GetCapabilities: { inSignature: '', outSignature: 'as' },
      GetServerInformation: { inSignature: '', outSignature: 'ssss' },
      Notify: { inSignature: 'susssasa{sv}i', outSignature: 'u' },
      CloseNotification: { inSignature: 'u', outSignature: '' },
    },
    signals: {
      ActionInvoked: { signature: 'us' },
      NotificationClosed: { signature: 'uu' },
    },
  });
  const server = new Server(NAME);
  bus.export(PATH, server);
  const reply = await bus.requestName(NAME, dbus.NameFlag.DO_NOT_QUEUE | dbus.NameFlag.REPLACE_EXISTING);
  if (reply !== dbus.RequestNameReply.PRIMARY_OWNER && reply !== dbus.RequestNameReply.ALREADY_OWNER) {
    bus.disconnect();
    throw new Error(`another notification server holds ${NAME} on this session bus`);
  }
  return {
    shown,
    /** The person clicks notification `id`: its default action, then it closes. */
    click(id) {
      server.ActionInvoked(id, 'default');
      server.NotificationClosed(id, 2);
    },
    stop() {
      bus.disconnect();
    },
  };
}
