// The OTLP messages the sink decodes, as protobuf descriptors for @bufbuild/protobuf.
//
// No npm package worth depending on ships the current opentelemetry-proto definitions:
// `@opentelemetry/otlp-transformer` 0.301 writes protobuf by hand and ships no schema, and
// the mock servers that bundle .proto files carry copies older than `LogRecord.event_name`.
// So these descriptors are written here from the public OTLP specification: message, field
// and enum names, numbers and types are the wire format's, and the file and package names
// are the official ones so type names read like the spec. They hold only the fields the
// decoder reads: every other field on the wire is skipped as an unknown field, which is
// exactly what a reader built from an older schema does. One deliberate difference, which
// the wire format does not see: `Span.flags` and `LogRecord.flags` are declared `optional`,
// so the decoder can tell "left out" from 0, as its types promise.
import { create, createFileRegistry, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { protoCamelCase } from '@bufbuild/protobuf/reflect';
import {
  type DescriptorProtoSchema,
  type EnumDescriptorProtoSchema,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  type FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
} from '@bufbuild/protobuf/wkt';

type DescriptorProto = MessageInitShape<typeof DescriptorProtoSchema>;
type EnumDescriptorProto = MessageInitShape<typeof EnumDescriptorProtoSchema>;
type FileDescriptorProto = MessageInitShape<typeof FileDescriptorProtoSchema>;

type Scalar =
  | 'string'
  | 'bool'
  | 'int64'
  | 'double'
  | 'bytes'
  | 'fixed64'
  | 'fixed32'
  | 'sfixed64'
  | 'uint64'
  | 'sint32'
  | 'int32';

const SCALAR_TYPES: Record<Scalar, FieldDescriptorProto_Type> = {
  string: FieldDescriptorProto_Type.STRING,
  bool: FieldDescriptorProto_Type.BOOL,
  int64: FieldDescriptorProto_Type.INT64,
  double: FieldDescriptorProto_Type.DOUBLE,
  bytes: FieldDescriptorProto_Type.BYTES,
  fixed64: FieldDescriptorProto_Type.FIXED64,
  fixed32: FieldDescriptorProto_Type.FIXED32,
  sfixed64: FieldDescriptorProto_Type.SFIXED64,
  uint64: FieldDescriptorProto_Type.UINT64,
  sint32: FieldDescriptorProto_Type.SINT32,
  int32: FieldDescriptorProto_Type.INT32,
};

/**
 * One field: `[name, number, type, modifier]`. The type is a scalar name, `message:.full.Name`
 * or `enum:.full.Name`; the modifier is `repeated`, `optional` or `oneof:<name>`.
 */
type FieldSpec = readonly [name: string, number: number, type: string, modifier?: string];

interface MessageSpec {
  fields: readonly FieldSpec[];
  nested?: Record<string, MessageSpec>;
  enums?: Record<string, readonly string[]>;
}

function enumDescriptor(name: string, values: readonly string[]): EnumDescriptorProto {
  return { name, value: values.map((value, number) => ({ name: value, number })) };
}

function messageDescriptor(name: string, spec: MessageSpec): DescriptorProto {
  const oneofs: string[] = [];
  const oneofIndex = (oneof: string): number => {
    if (!oneofs.includes(oneof)) oneofs.push(oneof);
    return oneofs.indexOf(oneof);
  };
  const field = spec.fields.map(([fieldName, number, type, modifier]) => {
    const [kind, typeName] = type.split(':') as [string, string | undefined];
    return {
      name: fieldName,
      // protoc fills in the JSON name; the JSON form is what the decoder maps from.
      jsonName: protoCamelCase(fieldName),
      number,
      label:
        modifier === 'repeated' ? FieldDescriptorProto_Label.REPEATED : FieldDescriptorProto_Label.OPTIONAL,
      type:
        kind === 'message'
          ? FieldDescriptorProto_Type.MESSAGE
          : kind === 'enum'
            ? FieldDescriptorProto_Type.ENUM
            : SCALAR_TYPES[kind as Scalar],
      ...(typeName ? { typeName } : {}),
      // A proto3 `optional` field is a oneof of its own, named `_<field>` as protoc names it.
      ...(modifier === 'optional' ? { proto3Optional: true, oneofIndex: oneofIndex(`_${fieldName}`) } : {}),
      ...(modifier?.startsWith('oneof:') ? { oneofIndex: oneofIndex(modifier.slice('oneof:'.length)) } : {}),
    };
  });
  return {
    name,
    field,
    oneofDecl: oneofs.map((oneof) => ({ name: oneof })),
    nestedType: Object.entries(spec.nested ?? {}).map(([nestedName, nested]) =>
      messageDescriptor(nestedName, nested),
    ),
    enumType: Object.entries(spec.enums ?? {}).map(([enumName, values]) => enumDescriptor(enumName, values)),
  };
}

function protoFile(
  path: string,
  dependency: string[],
  messages: Record<string, MessageSpec>,
  enums: Record<string, readonly string[]> = {},
): FileDescriptorProto {
  return {
    name: `opentelemetry/proto/${path}.proto`,
    package: `opentelemetry.proto.${path.split('/').slice(0, -1).join('.')}`,
    dependency: dependency.map((file) => `opentelemetry/proto/${file}.proto`),
    syntax: 'proto3',
    messageType: Object.entries(messages).map(([name, spec]) => messageDescriptor(name, spec)),
    enumType: Object.entries(enums).map(([name, values]) => enumDescriptor(name, values)),
  };
}

const COMMON = '.opentelemetry.proto.common.v1';
const RESOURCE = '.opentelemetry.proto.resource.v1';
const TRACE = '.opentelemetry.proto.trace.v1';
const METRICS = '.opentelemetry.proto.metrics.v1';
const LOGS = '.opentelemetry.proto.logs.v1';

const attributes = (number: number, name = 'attributes'): FieldSpec => [
  name,
  number,
  `message:${COMMON}.KeyValue`,
  'repeated',
];

const common = protoFile('common/v1/common', [], {
  AnyValue: {
    fields: [
      ['string_value', 1, 'string', 'oneof:value'],
      ['bool_value', 2, 'bool', 'oneof:value'],
      ['int_value', 3, 'int64', 'oneof:value'],
      ['double_value', 4, 'double', 'oneof:value'],
      ['array_value', 5, `message:${COMMON}.ArrayValue`, 'oneof:value'],
      ['kvlist_value', 6, `message:${COMMON}.KeyValueList`, 'oneof:value'],
      ['bytes_value', 7, 'bytes', 'oneof:value'],
    ],
  },
  ArrayValue: { fields: [['values', 1, `message:${COMMON}.AnyValue`, 'repeated']] },
  KeyValueList: { fields: [['values', 1, `message:${COMMON}.KeyValue`, 'repeated']] },
  KeyValue: {
    fields: [
      ['key', 1, 'string'],
      ['value', 2, `message:${COMMON}.AnyValue`],
    ],
  },
  InstrumentationScope: {
    fields: [['name', 1, 'string'], ['version', 2, 'string'], attributes(3)],
  },
});

const resource = protoFile('resource/v1/resource', ['common/v1/common'], {
  Resource: { fields: [attributes(1)] },
});

const scope: FieldSpec = ['scope', 1, `message:${COMMON}.InstrumentationScope`];
const resourceField: FieldSpec = ['resource', 1, `message:${RESOURCE}.Resource`];

const trace = protoFile('trace/v1/trace', ['common/v1/common', 'resource/v1/resource'], {
  ResourceSpans: {
    fields: [resourceField, ['scope_spans', 2, `message:${TRACE}.ScopeSpans`, 'repeated']],
  },
  ScopeSpans: { fields: [scope, ['spans', 2, `message:${TRACE}.Span`, 'repeated']] },
  Span: {
    fields: [
      ['trace_id', 1, 'bytes'],
      ['span_id', 2, 'bytes'],
      ['trace_state', 3, 'string'],
      ['parent_span_id', 4, 'bytes'],
      ['name', 5, 'string'],
      ['kind', 6, `enum:${TRACE}.Span.SpanKind`],
      ['start_time_unix_nano', 7, 'fixed64'],
      ['end_time_unix_nano', 8, 'fixed64'],
      attributes(9),
      ['events', 11, `message:${TRACE}.Span.Event`, 'repeated'],
      ['links', 13, `message:${TRACE}.Span.Link`, 'repeated'],
      ['status', 15, `message:${TRACE}.Status`],
      ['flags', 16, 'fixed32', 'optional'],
    ],
    nested: {
      Event: { fields: [['time_unix_nano', 1, 'fixed64'], ['name', 2, 'string'], attributes(3)] },
      Link: {
        fields: [
          ['trace_id', 1, 'bytes'],
          ['span_id', 2, 'bytes'],
          ['trace_state', 3, 'string'],
          attributes(4),
        ],
      },
    },
    enums: {
      SpanKind: [
        'SPAN_KIND_UNSPECIFIED',
        'SPAN_KIND_INTERNAL',
        'SPAN_KIND_SERVER',
        'SPAN_KIND_CLIENT',
        'SPAN_KIND_PRODUCER',
        'SPAN_KIND_CONSUMER',
      ],
    },
  },
  Status: {
    fields: [
      ['message', 2, 'string'],
      ['code', 3, `enum:${TRACE}.Status.StatusCode`],
    ],
    enums: { StatusCode: ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] },
  },
});

const exemplars = (number: number): FieldSpec => [
  'exemplars',
  number,
  `message:${METRICS}.Exemplar`,
  'repeated',
];
const time: FieldSpec[] = [
  ['start_time_unix_nano', 2, 'fixed64'],
  ['time_unix_nano', 3, 'fixed64'],
];
const dataPoints = (type: string): FieldSpec => ['data_points', 1, `message:${METRICS}.${type}`, 'repeated'];
const temporality: FieldSpec = ['aggregation_temporality', 2, `enum:${METRICS}.AggregationTemporality`];

const metrics = protoFile(
  'metrics/v1/metrics',
  ['common/v1/common', 'resource/v1/resource'],
  {
    ResourceMetrics: {
      fields: [resourceField, ['scope_metrics', 2, `message:${METRICS}.ScopeMetrics`, 'repeated']],
    },
    ScopeMetrics: { fields: [scope, ['metrics', 2, `message:${METRICS}.Metric`, 'repeated']] },
    Metric: {
      fields: [
        ['name', 1, 'string'],
        ['description', 2, 'string'],
        ['unit', 3, 'string'],
        ['gauge', 5, `message:${METRICS}.Gauge`, 'oneof:data'],
        ['sum', 7, `message:${METRICS}.Sum`, 'oneof:data'],
        ['histogram', 9, `message:${METRICS}.Histogram`, 'oneof:data'],
        ['exponential_histogram', 10, `message:${METRICS}.ExponentialHistogram`, 'oneof:data'],
        ['summary', 11, `message:${METRICS}.Summary`, 'oneof:data'],
      ],
    },
    Gauge: { fields: [dataPoints('NumberDataPoint')] },
    Sum: { fields: [dataPoints('NumberDataPoint'), temporality, ['is_monotonic', 3, 'bool']] },
    Histogram: { fields: [dataPoints('HistogramDataPoint'), temporality] },
    ExponentialHistogram: { fields: [dataPoints('ExponentialHistogramDataPoint'), temporality] },
    Summary: { fields: [dataPoints('SummaryDataPoint')] },
    NumberDataPoint: {
      fields: [
        ...time,
        ['as_double', 4, 'double', 'oneof:value'],
        exemplars(5),
        ['as_int', 6, 'sfixed64', 'oneof:value'],
        attributes(7),
      ],
    },
    HistogramDataPoint: {
      fields: [
        ...time,
        ['count', 4, 'fixed64'],
        ['sum', 5, 'double', 'optional'],
        ['bucket_counts', 6, 'fixed64', 'repeated'],
        ['explicit_bounds', 7, 'double', 'repeated'],
        exemplars(8),
        attributes(9),
        ['min', 11, 'double', 'optional'],
        ['max', 12, 'double', 'optional'],
      ],
    },
    ExponentialHistogramDataPoint: {
      fields: [
        attributes(1),
        ...time,
        ['count', 4, 'fixed64'],
        ['sum', 5, 'double', 'optional'],
        ['scale', 6, 'sint32'],
        ['zero_count', 7, 'fixed64'],
        ['positive', 8, `message:${METRICS}.ExponentialHistogramDataPoint.Buckets`],
        ['negative', 9, `message:${METRICS}.ExponentialHistogramDataPoint.Buckets`],
        exemplars(11),
        ['min', 12, 'double', 'optional'],
        ['max', 13, 'double', 'optional'],
      ],
      nested: {
        Buckets: {
          fields: [
            ['offset', 1, 'sint32'],
            ['bucket_counts', 2, 'uint64', 'repeated'],
          ],
        },
      },
    },
    SummaryDataPoint: {
      fields: [
        ...time,
        ['count', 4, 'fixed64'],
        ['sum', 5, 'double'],
        ['quantile_values', 6, `message:${METRICS}.SummaryDataPoint.ValueAtQuantile`, 'repeated'],
        attributes(7),
      ],
      nested: {
        ValueAtQuantile: {
          fields: [
            ['quantile', 1, 'double'],
            ['value', 2, 'double'],
          ],
        },
      },
    },
    Exemplar: {
      fields: [
        ['time_unix_nano', 2, 'fixed64'],
        ['as_double', 3, 'double', 'oneof:value'],
        ['span_id', 4, 'bytes'],
        ['trace_id', 5, 'bytes'],
        ['as_int', 6, 'sfixed64', 'oneof:value'],
        attributes(7, 'filtered_attributes'),
      ],
    },
  },
  {
    AggregationTemporality: [
      'AGGREGATION_TEMPORALITY_UNSPECIFIED',
      'AGGREGATION_TEMPORALITY_DELTA',
      'AGGREGATION_TEMPORALITY_CUMULATIVE',
    ],
  },
);

// SEVERITY_NUMBER_TRACE = 1 … SEVERITY_NUMBER_FATAL4 = 24: four steps for each of six levels.
const SEVERITY_NUMBERS = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) =>
    ['', '2', '3', '4'].map((step) => `SEVERITY_NUMBER_${level}${step}`),
  ),
];

const logs = protoFile(
  'logs/v1/logs',
  ['common/v1/common', 'resource/v1/resource'],
  {
    ResourceLogs: {
      fields: [resourceField, ['scope_logs', 2, `message:${LOGS}.ScopeLogs`, 'repeated']],
    },
    ScopeLogs: { fields: [scope, ['log_records', 2, `message:${LOGS}.LogRecord`, 'repeated']] },
    LogRecord: {
      fields: [
        ['time_unix_nano', 1, 'fixed64'],
        ['severity_number', 2, `enum:${LOGS}.SeverityNumber`],
        ['severity_text', 3, 'string'],
        ['body', 5, `message:${COMMON}.AnyValue`],
        attributes(6),
        ['flags', 8, 'fixed32', 'optional'],
        ['trace_id', 9, 'bytes'],
        ['span_id', 10, 'bytes'],
        ['observed_time_unix_nano', 11, 'fixed64'],
        ['event_name', 12, 'string'],
      ],
    },
  },
  { SeverityNumber: SEVERITY_NUMBERS },
);

const exportRequest = (signal: string, request: string, field: string, type: string): FileDescriptorProto =>
  protoFile(`collector/${signal}/v1/${signal}_service`, [`${signal}/v1/${signal}`], {
    [request]: { fields: [[field, 1, `message:.opentelemetry.proto.${signal}.v1.${type}`, 'repeated']] },
  });

const registry = createFileRegistry(
  create(FileDescriptorSetSchema, {
    file: [
      common,
      resource,
      trace,
      metrics,
      logs,
      exportRequest('trace', 'ExportTraceServiceRequest', 'resource_spans', 'ResourceSpans'),
      exportRequest('metrics', 'ExportMetricsServiceRequest', 'resource_metrics', 'ResourceMetrics'),
      exportRequest('logs', 'ExportLogsServiceRequest', 'resource_logs', 'ResourceLogs'),
    ],
  }),
);

function requestSchema(typeName: string): DescMessage {
  const schema = registry.getMessage(typeName);
  if (!schema) throw new Error(`OTLP schema has no message ${typeName}`);
  return schema;
}

/** `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest` */
export const ExportTraceServiceRequestSchema = requestSchema(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
);
/** `opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest` */
export const ExportMetricsServiceRequestSchema = requestSchema(
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
);
/** `opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest` */
export const ExportLogsServiceRequestSchema = requestSchema(
  'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
);
