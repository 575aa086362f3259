// Bench helper (scripts/bench/apigee/inspect.bench.ts): JavaScript that is not ours, run before
// the policy's first execution to stand for an Apigee message processor after a deploy — a JVM
// that has been running other proxies' JavaScript policies for a long time (Rhino's runtime and,
// in interpreted mode, its interpreter are JIT-compiled), but has never run our scripts. Generic
// policy-like work: JSON in and out, string and RegExp work on headers and paths, flow variables.
/* global context */
(function () {
  'use strict';
  var doc = {
    id: 'ord-' + Math.floor(Math.random() * 1e6),
    items: [],
    customer: { name: 'Alex Example', tier: 'gold', tags: ['a', 'b', 'c'] },
  };
  for (var i = 0; i < 40; i++) doc.items.push({ sku: 'SKU-' + i, qty: i % 5, price: i * 1.25, note: 'item number ' + i });
  var text = JSON.stringify(doc);
  var back = JSON.parse(text);
  var total = 0;
  for (var j = 0; j < back.items.length; j++) total += back.items[j].qty * back.items[j].price;
  var path = '/v2/customers/' + back.id + '/orders?page=' + (total % 7);
  var parts = path.split('/');
  var upper = [];
  for (var k = 0; k < parts.length; k++) upper.push(parts[k].toUpperCase().replace(/[^A-Z0-9]/g, '_'));
  var words = text.match(/[a-z]+/g) || [];
  var counts = {};
  for (var w = 0; w < words.length; w++) counts[words[w]] = (counts[words[w]] || 0) + 1;
  context.setVariable('other.result', upper.join('.') + ':' + Object.keys(counts).length + ':' + total.toFixed(2));
})();
