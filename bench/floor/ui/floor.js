// The floor's "first paint": two animation frames after the page is there, as Citewise marks
// its conversation list (citewise:list-painted).
requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('floor:painted')));
