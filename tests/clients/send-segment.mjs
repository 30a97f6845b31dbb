// Sends one identify, track, page and group call with Segment's own Node client, then flushes.
// Usage: node send-segment.mjs HOST WRITE_KEY RUN_ID   (prints the messageIds it sent, as JSON)
import { Analytics } from '@segment/analytics-node';

const [host, writeKey, runId] = process.argv.slice(2);
const analytics = new Analytics({ writeKey, host, flushAt: 4, maxRetries: 1, httpRequestTimeout: 10000 });
let failed = null;
analytics.on('error', (err) => { failed = err; });

const userId = `user-${runId}`;
const sent = [];
const id = (type) => { const m = `${runId}-${type}`; sent.push({ type, messageId: m }); return m; };

analytics.identify({ userId, messageId: id('identify'), traits: { email: `${runId}@example.com`, plan: 'gold' } });
analytics.track({ userId, messageId: id('track'), event: 'Order Completed', properties: { order_id: `o-${runId}`, revenue: 42.5, currency: 'EUR' } });
analytics.page({ userId, messageId: id('page'), category: 'Shop', name: 'Checkout', properties: { url: 'https://shop.example/checkout' } });
analytics.group({ userId, messageId: id('group'), groupId: `acme-${runId}`, traits: { name: 'Acme Ltd', employees: 120 } });

await analytics.closeAndFlush({ timeout: 15000 });
if (failed) {
  console.error(`segment client reported an error: ${failed.code ?? ''} ${failed.reason ?? failed.message ?? failed}`);
  process.exit(1);
}
console.log(JSON.stringify({ userId, sent }));
