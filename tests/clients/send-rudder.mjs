// Sends one identify and one track call with RudderStack's Node client (gzip-compressed bodies).
// Usage: node send-rudder.mjs DATA_PLANE_URL WRITE_KEY RUN_ID   (prints the messageIds it sent, as JSON)
import Analytics from '@rudderstack/rudder-sdk-node';

const [dataPlaneUrl, writeKey, runId] = process.argv.slice(2);
let failed = null;
const client = new Analytics(writeKey, {
  dataPlaneUrl,
  flushAt: 2,
  gzip: true,
  retryCount: 0,
  logLevel: 'error',
  errorHandler: (err) => { failed = err; },
});

const userId = `rudder-${runId}`;
const sent = [
  { type: 'identify', messageId: `${runId}-identify` },
  { type: 'track', messageId: `${runId}-track` },
];
client.identify({ userId, messageId: sent[0].messageId, traits: { email: `${runId}@example.org` } });
client.track({ userId, messageId: sent[1].messageId, event: 'Product Viewed', properties: { sku: 'SKU-1', price: 9.99 } });

await client.flush();
if (failed) {
  console.error(`rudder client reported an error: ${failed.message ?? failed}`);
  process.exit(1);
}
console.log(JSON.stringify({ userId, sent }));
