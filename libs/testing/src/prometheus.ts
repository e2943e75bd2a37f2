/** The environment that makes a service serve its OpenTelemetry metrics for Prometheus on 127.0.0.1:`port`. */
export function prometheusEnv(port: number): Record<string, string> {
  return {
    OTEL_METRICS_EXPORTER: 'prometheus',
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
  };
}

export interface PrometheusSample {
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format: the samples of `metric`, with their labels. */
export function samplesOf(text: string, metric: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== metric) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[name!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ labels, value: Number(match[3]) });
  }
  return samples;
}

/**
 * The sum of the samples of `metric` whose labels include `labels`, scraped from the Prometheus endpoint on
 * 127.0.0.1:`port` of each port given (the replicas of a service); 0 when there is none.
 */
export async function scrapeSum(
  ports: readonly number[],
  metric: string,
  labels: Record<string, string> = {},
): Promise<number> {
  let sum = 0;
  for (const port of ports) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const sample of samplesOf(text, metric)) {
      if (Object.entries(labels).every(([name, value]) => sample.labels[name] === value)) sum += sample.value;
    }
  }
  return sum;
}
