import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { loggingErrorHandler } from '@opentelemetry/core';
import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import { afterEach, describe, expect, it } from 'vitest';
import { describeExportFailure } from '../../src/diagnostics/describe-export-failure.ts';

describe('describeExportFailure', () => {
  afterEach(() => diag.disable());

  /** What OpenTelemetry's own error handler passes to `diag` for an exception. */
  function diagArgumentsFor(error: unknown): [string, unknown[]] {
    let captured: [string, unknown[]] | undefined;
    const record = (message: string, ...args: unknown[]) => {
      captured = [message, args];
    };
    const logger: DiagLogger = { error: record, warn: record, info: record, debug: record, verbose: record };
    diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
    loggingErrorHandler()(error as Error);
    if (!captured) throw new Error('OpenTelemetry logged nothing');
    return captured;
  }

  it("keeps name, HTTP status and message of OpenTelemetry's JSON dump, not its stack or body", () => {
    const error = new OTLPExporterError('Internal Server Error', 500, '<html>\n<body>oops</body>\n</html>');
    const [message, args] = diagArgumentsFor(error);
    expect(message).toContain('"stack"');
    expect(describeExportFailure(message, args)).toBe('OTLPExporterError (HTTP 500): Internal Server Error');
  });

  it('keeps the code of a network error and the first line of a multi-line message', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4318\n    at TCPConnectWrap'), {
      code: 'ECONNREFUSED',
    });
    const [message, args] = diagArgumentsFor(error);
    expect(describeExportFailure(message, args)).toBe(
      'Error (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:4318',
    );
  });

  it('describes an Error passed as an argument, and bounds a long reason to one short line', () => {
    const reason = describeExportFailure('Metric export failed', [new TypeError(`bad ${'x'.repeat(1000)}`)]);
    expect(reason.startsWith('Metric export failed: TypeError: bad xxx')).toBe(true);
    expect(reason.length).toBeLessThanOrEqual(300);
    expect(reason).not.toContain('\n');
    expect(reason).not.toContain(' at ');
  });
});
