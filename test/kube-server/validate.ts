// The validation that makes a broken manifest fail the way it fails on a real cluster (422 Invalid with
// field causes): names, workload selectors, containers, immutable selectors. Not a schema validator.
import { deepEqual, isRecord, text, type KubeObject } from './object.ts';
import type { StatusCause } from './status.ts';

const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const label1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const label1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const workloads = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** The causes that make `object` invalid, given the live object it replaces; empty when valid. */
export function validate(object: KubeObject, live: KubeObject | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = object.metadata.name;
  const nameCause = checkName(object.kind, name);
  if (nameCause) causes.push(nameCause);
  if (workloads.has(object.kind)) causes.push(...checkWorkload(object, live));
  if (object.kind === 'Pod' && isRecord(object['spec'])) causes.push(...checkPodSpec(object['spec'], 'spec'));
  if (object.kind === 'Job') causes.push(...checkJob(object));
  return causes;
}

/** A Job's pods must not restart forever: the real server refuses the (defaulted) `Always`. */
function checkJob(job: KubeObject): StatusCause[] {
  const spec = isRecord(job['spec']) ? job['spec'] : {};
  const template = isRecord(spec['template']) ? spec['template'] : {};
  const podSpec = isRecord(template['spec']) ? template['spec'] : {};
  const causes = checkPodSpec(podSpec, 'spec.template.spec');
  const policy = podSpec['restartPolicy'];
  if (policy !== 'Never' && policy !== 'OnFailure') {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${text(policy)}": supported values: "OnFailure", "Never"`,
      field: 'spec.template.spec.restartPolicy',
    });
  }
  return causes;
}

function checkName(kind: string, name: string): StatusCause | undefined {
  if (name === '') {
    return {
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    };
  }
  let pattern = subdomain;
  let rule =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start " +
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  if (kind === 'Namespace') {
    pattern = label1123;
    rule =
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end " +
      "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is " +
      "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  } else if (kind === 'Service') {
    pattern = label1035;
    rule =
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic " +
      "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for " +
      "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
  }
  const tooLong = name.length > (pattern === subdomain ? 253 : 63);
  if (pattern.test(name) && !tooLong) return undefined;
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: "${name}": ${rule}`,
    field: 'metadata.name',
  };
}

function checkWorkload(object: KubeObject, live: KubeObject | undefined): StatusCause[] {
  const spec = isRecord(object['spec']) ? object['spec'] : {};
  const causes: StatusCause[] = [];
  const selector = spec['selector'];
  const template = isRecord(spec['template']) ? spec['template'] : {};
  const templateMeta = isRecord(template['metadata']) ? template['metadata'] : {};
  const labels = isRecord(templateMeta['labels']) ? templateMeta['labels'] : {};
  if (!isRecord(selector)) {
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' });
  } else {
    const matchLabels = isRecord(selector['matchLabels']) ? selector['matchLabels'] : {};
    if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``,
        field: 'spec.template.metadata.labels',
      });
    }
    const before = live && isRecord(live['spec']) ? live['spec']['selector'] : undefined;
    if (live && object.kind !== 'ReplicaSet' && !deepEqual(before, selector)) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(selector)}: field is immutable`,
        field: 'spec.selector',
      });
    }
  }
  const podSpec = template['spec'];
  if (!isRecord(podSpec)) {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value',
      field: 'spec.template.spec.containers',
    });
  } else {
    causes.push(...checkPodSpec(podSpec, 'spec.template.spec'));
  }
  return causes;
}

function checkPodSpec(podSpec: Record<string, unknown>, at: string): StatusCause[] {
  const containers = podSpec['containers'];
  if (!Array.isArray(containers) || containers.length === 0) {
    return [{ reason: 'FieldValueRequired', message: 'Required value', field: `${at}.containers` }];
  }
  const causes: StatusCause[] = [];
  containers.forEach((c, i) => {
    const container = isRecord(c) ? c : {};
    for (const field of ['name', 'image']) {
      if (typeof container[field] !== 'string' || container[field] === '') {
        causes.push({
          reason: 'FieldValueRequired',
          message: 'Required value',
          field: `${at}.containers[${i}].${field}`,
        });
      }
    }
  });
  return causes;
}
