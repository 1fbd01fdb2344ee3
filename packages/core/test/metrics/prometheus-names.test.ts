import { describe, expect, it } from 'vitest';
import { withUnitSuffix } from '../../src/metrics/prometheus-names.ts';

describe('withUnitSuffix', () => {
  it('appends the Prometheus unit word the way OTLP-to-Prometheus translation does', () => {
    expect(withUnitSuffix('http.server.request.duration', 's')).toBe('http.server.request.duration_seconds');
    expect(withUnitSuffix('v8js.memory.heap.used', 'By')).toBe('v8js.memory.heap.used_bytes');
    expect(withUnitSuffix('job.latency', 'ms')).toBe('job.latency_milliseconds');
  });

  it('adds nothing for annotations, dimensionless units or a suffix already there', () => {
    expect(withUnitSuffix('tracewire.telemetry.dropped', '{item}')).toBe('tracewire.telemetry.dropped');
    expect(withUnitSuffix('nodejs.eventloop.utilization', '1')).toBe('nodejs.eventloop.utilization');
    expect(withUnitSuffix('queue.wait_seconds', 's')).toBe('queue.wait_seconds');
    expect(withUnitSuffix('plain', undefined)).toBe('plain');
  });
});
