import { asList, asMap } from './yaml-file.ts';

/** One metric name a dashboard query reads, with where it sits in the file. */
export interface MetricUse {
  readonly name: string;
  readonly path: string;
}

/** Metric names in a SigNoz v1 dashboard: builder queries, ClickHouse SQL and query variables. */
export function signozMetricUses(dashboard: unknown): MetricUse[] {
  const uses: MetricUse[] = [];
  const root = asMap(dashboard);

  for (const [w, widget] of asList(root.widgets).entries()) {
    const query = asMap(asMap(widget).query);
    const base = `widgets[${w}](${String(asMap(widget).title ?? asMap(widget).id)}).query`;

    for (const [q, data] of asList(asMap(query.builder).queryData).entries()) {
      const item = asMap(data);
      if (item.dataSource !== 'metrics') continue;
      const key = asMap(item.aggregateAttribute).key;
      if (typeof key === 'string' && key !== '') {
        uses.push({ name: key, path: `${base}.builder.queryData[${q}].aggregateAttribute.key` });
      }
      for (const [a, agg] of asList(item.aggregations).entries()) {
        const name = asMap(agg).metricName;
        if (typeof name === 'string') {
          uses.push({ name, path: `${base}.builder.queryData[${q}].aggregations[${a}]` });
        }
      }
    }
    for (const [q, sql] of asList(query.clickhouse_sql).entries()) {
      const text = String(asMap(sql).query ?? '');
      for (const name of sqlMetricNames(text)) {
        uses.push({ name, path: `${base}.clickhouse_sql[${q}]` });
      }
    }
  }

  for (const [id, variable] of Object.entries(asMap(root.variables))) {
    const text = String(asMap(variable).queryValue ?? '');
    for (const name of sqlMetricNames(text))
      uses.push({ name, path: `variables.${id}.queryValue` });
  }
  return uses;
}

/** Names in `metric_name = '…'` and `metric_name IN ('…', …)`. */
export function sqlMetricNames(sql: string): string[] {
  const names: string[] = [];
  for (const match of sql.matchAll(/metric_name\s*(?:=\s*'[^']*'|IN\s*\([^)]*\))/gi)) {
    for (const quoted of match[0].matchAll(/'([^']+)'/g)) {
      if (quoted[1] !== undefined) names.push(quoted[1]);
    }
  }
  return names;
}

/** Metric names in a Splunk Dashboard Studio definition: every `mstats` in every search. */
export function splunkMetricUses(dashboard: unknown): MetricUse[] {
  const uses: MetricUse[] = [];
  for (const [id, source] of Object.entries(asMap(asMap(dashboard).dataSources))) {
    const query = String(asMap(asMap(source).options).query ?? '');
    for (const name of splSearchMetricNames(query)) {
      uses.push({ name, path: `dataSources.${id}.options.query` });
    }
  }
  return uses;
}

/** Names inside `mstats` clauses: `fn(name)` aggregations and `metric_name=…` filters. */
export function splSearchMetricNames(spl: string): string[] {
  const names: string[] = [];
  for (const clause of spl.split('|')) {
    if (!/^\s*mstats\b/.test(clause)) continue;
    for (const match of clause.matchAll(/\b[a-z_0-9]+\(\s*"?([A-Za-z_][\w.:*-]*)"?\s*\)/g)) {
      if (match[1] !== undefined && match[1] !== '_value') names.push(match[1]);
    }
    for (const match of clause.matchAll(/\bmetric_name\s*=\s*"?([\w.:*-]+)"?/g)) {
      if (match[1] !== undefined) names.push(match[1]);
    }
  }
  return names;
}

/** Metric names in a SignalFlow program: `data('…')` and `histogram('…')` streams. */
export function signalflowMetricUses(program: string): MetricUse[] {
  const uses: MetricUse[] = [];
  for (const [index, line] of program.split('\n').entries()) {
    if (line.trimStart().startsWith('#')) continue;
    for (const match of line.matchAll(/\b(?:data|histogram)\(\s*['"]([^'"]+)['"]/g)) {
      if (match[1] !== undefined) uses.push({ name: match[1], path: `line ${index + 1}` });
    }
  }
  return uses;
}
