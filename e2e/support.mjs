// Shared plumbing for the end-to-end tests, one file a concern under e2e/support/: the local
// server (mock.mjs), starting the app (app.mjs: launchApp, session), processes and folders
// (processes.mjs), the fake xdg-open (xdg-open.mjs), waiting (wait.mjs) and the window as a
// person uses it (page.mjs). Tests, bench/ and test/package import them from here.
export * from './support/mock.mjs';
export * from './support/processes.mjs';
export * from './support/wait.mjs';
export * from './support/app.mjs';
export * from './support/xdg-open.mjs';
export * from './support/page.mjs';
