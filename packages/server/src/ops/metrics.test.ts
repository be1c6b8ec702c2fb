import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metrics } from './metrics.js';

const count = (text: string, labels: string) =>
  Number(new RegExp(`^marquee_requests_total\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);

test('requests are counted per protocol, route, model, version and status', async () => {
  const m = new Metrics();
  const route = '/v2/models/:model/infer';
  for (let i = 0; i < 5; i++) m.recordRequest('http', route, 'ann/lr', '1', '200', 0.001);
  // Label values that would run together if they were joined: each stays its own series.
  m.recordRequest('http', route, 'ann/lr 1', '2', '200', 0.001);
  m.recordRequest('http', route, 'ann/lr', '1 2', '200', 0.001);
  m.recordRequest('http', route, 'ann/lr', '1', '400', 0.001);
  m.recordRequest('grpc', 'ModelInfer', 'ann/lr', '2', 'OK', 0.2);
  const text = await m.registry.metrics();
  const http = `protocol="http",route="${route}"`;
  assert.equal(count(text, `${http},model="ann/lr",version="1",status="200"`), 5);
  assert.equal(count(text, `${http},model="ann/lr 1",version="2",status="200"`), 1);
  assert.equal(count(text, `${http},model="ann/lr",version="1 2",status="200"`), 1);
  assert.equal(count(text, `${http},model="ann/lr",version="1",status="400"`), 1);
  assert.equal(count(text, 'protocol="grpc",route="ModelInfer",model="ann/lr",version="2",status="OK"'), 1);
  assert.match(text, /marquee_request_duration_seconds_count\{protocol="http",route="[^"]+",model="ann\/lr"\} 7/);
});

test('past 10,000 label sets the lookup cache starts again and counts go on', async () => {
  const m = new Metrics();
  for (let i = 0; i < 10_050; i++) m.recordRequest('http', '/r', `m${i}`, '1', '200', 0.001);
  for (let i = 0; i < 3; i++) m.recordRequest('http', '/r', 'm0', '1', '200', 0.001);
  const text = await m.registry.metrics();
  assert.equal(count(text, 'protocol="http",route="/r",model="m0",version="1",status="200"'), 4);
  assert.equal(count(text, 'protocol="http",route="/r",model="m10049",version="1",status="200"'), 1);
});
