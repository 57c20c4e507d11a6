// Stands in for react-devtools-core inside the single executable (see ../contents.mjs).
// Ink loads it only when DEV=true; say why nothing connects instead of failing.
let warned = false;
function unavailable() {
  if (warned) return;
  warned = true;
  process.stderr.write('logagg: DEV=true, but React DevTools are not part of the single executable; run bin/logagg from the source tree to use them\n');
}
export default { initialize: unavailable, connectToDevTools: unavailable };
