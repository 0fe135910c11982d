/**
 * Renders the page a browser opens to watch the relay: it embeds the Stately inspector in
 * an iframe, connects back to the relay over WebSocket (same host and port as the page)
 * and forwards every inspection event into the iframe once the inspector says it is
 * ready (`@statelyai.connected`), holding earlier events until then.
 *
 * @param inspectorUrl - The Stately inspector page to embed.
 * @returns A complete HTML document.
 *
 * @example
 * ```ts
 * response.end(renderRelayPage('https://stately.ai/inspect'));
 * ```
 */
export function renderRelayPage(inspectorUrl: string): string {
  // JSON-encode for the script and keep `<` out of it so no value can close the tag.
  const src = JSON.stringify(inspectorUrl).replaceAll('<', '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>chatflow sessions: Stately inspector</title>
<style>html, body, iframe { margin: 0; width: 100%; height: 100%; border: 0; }</style>
</head>
<body>
<iframe id="inspector" title="Stately inspector"></iframe>
<script>
  const frame = document.getElementById('inspector');
  const pending = [];
  let ready = false;
  window.addEventListener('message', (message) => {
    if (message.data && message.data.type === '@statelyai.connected') {
      ready = true;
      for (const event of pending.splice(0)) frame.contentWindow.postMessage(event, '*');
    }
  });
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(protocol + '//' + location.host + '/');
  socket.addEventListener('message', (message) => {
    const event = JSON.parse(message.data);
    if (ready) frame.contentWindow.postMessage(event, '*');
    else pending.push(event);
  });
  frame.src = ${src};
</script>
</body>
</html>
`;
}
