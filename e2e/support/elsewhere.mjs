// Another window in front: a plain X window (Tk) that takes the keyboard focus and the pointer, as
// when the person switches to another app. There is no window manager under the tests' Xvfb, so
// focus goes where a client puts it; closing this window leaves it nowhere in particular.
import { spawn } from 'node:child_process';

const SCRIPT = `
import sys, tkinter as tk
root = tk.Tk()
root.title('Somewhere else')
root.geometry('1280x860+0+0')
tk.Label(root, text='Another app').pack(expand=True)
def front():
    root.lift()
    root.focus_force()
    root.event_generate('<Motion>', warp=True, x=20, y=20)
    root.update()
    print('ready', flush=True)
root.after(300, front)
root.mainloop()
`;

/** Puts another window in front; resolves with `close()` once it has the focus. */
export async function windowElsewhere() {
  const child = spawn('python3', ['-c', SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the other window did not come up')), 15_000);
    child.stdout.on('data', (d) => {
      if (String(d).includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`the other window ended (${code}); is python3-tk installed?`)));
  });
  return {
    close: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.on('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
