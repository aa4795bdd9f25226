// The floor's "first paint": two animation frames after the page is there, as Citewise marks
// its conversation list (citewise:list-painted).
requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('floor:painted')));

// The streaming baseline (bench/stream.mjs calls it through WebDriver): reads the mock's
// `timestamps` answer, the Agent API's SSE stream, with fetch() and appends each text delta to
// #answer's one text node as soon as its frame arrives: network → JS → DOM → paint, the least
// any webview app does. Like a chat, the pane keeps its end in view (once per frame). Resolves
// when the stream ends.
window.floorStream = async (url) => {
  const pane = document.getElementById('pane');
  const answer = document.getElementById('answer').appendChild(document.createTextNode(''));
  let following = false;
  const follow = () => {
    following = false;
    pane.scrollTop = pane.scrollHeight;
  };
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const frames = (rest + read.value).split(/\r?\n\r?\n/);
    rest = frames.pop();
    for (const frame of frames) {
      const data = frame.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5)).join('\n');
      const event = data ? JSON.parse(data) : null;
      if (event?.type === 'response.output_text.delta') answer.appendData(event.delta);
    }
    if (!following) {
      following = true;
      requestAnimationFrame(follow);
    }
  }
};
