// Runs inside the CSP probe frame of selftest-markdown.js (the app's CSP, Object.prototype frozen):
// renders a rich and a hostile answer with the real renderer, then reports in window.__probe.

const answerViolations = [];
let controlViolations = 0;
let inAnswer = true;
document.addEventListener('securitypolicyviolation', (event) => {
  if (inAnswer) answerViolations.push(`${event.violatedDirective}: ${event.blockedURI || event.sample || ''}`);
  else controlViolations += 1;
});

const SAMPLE = [
  '| Survey | Height |\n|---|--:|\n| 2020 | 8,848.86 m |\n\n',
  '```python\ndef height(m):\n    return f"{m:,} m"  # metres\n```\n\n',
  'Inline $E = mc^2$ and \\(\\sqrt{2}\\); prices $5 and $10 stay text.\n\n',
  '$$\n\\fcolorbox{red}{blue}{x} + \\colorbox{red}{y} + \\rule{1em}{1em}\n$$\n\n',
  '- [ ] to do\n- [x] done\n\n',
  '<img src=x onerror="window.__pwned=true"> <svg onload="window.__pwned=true"></svg> ',
  '[x](javascript:window.__pwned=true) ![p](https://img.example/p.png) <style>*{color:red}</style>',
  '$\\href{javascript:window.__pwned=true}{x}$ $\\htmlStyle{color:red}{x}$\n',
].join('');

try {
  const { renderBlocks } = await import('../../ui/answer/markdown.js');
  document.body.append(renderBlocks(SAMPLE));
  await new Promise((resolve) => setTimeout(resolve, 300));
  inAnswer = false;
  // The control: an inline style attribute must be refused and reported under this CSP.
  const control = document.createElement('p');
  control.setAttribute('style', 'color: red');
  document.body.append(control);
  await new Promise((resolve) => setTimeout(resolve, 300));
  window.__probe = {
    frozen: Object.isFrozen(Object.prototype),
    maths: document.querySelectorAll('math').length,
    highlighted: document.querySelectorAll('[class^="hljs-"]').length,
    tables: document.querySelectorAll('.table-wrap > table').length,
    boxes: document.querySelectorAll('input[type="checkbox"][disabled]').length,
    styles: document.querySelectorAll('[style]').length - 1,
    imgs: document.querySelectorAll('img, svg:not(.icon)').length,
    pwned: window.__pwned === true,
    answerViolations,
    controlViolations,
  };
} catch (error) {
  window.__probe = { error: String(error?.stack ?? error) };
}
