#!/usr/bin/env bash
# Checks deploy/ with Prometheus's own tool: the alerting rules parse and pass their unit tests, and every query of
# the Grafana dashboard parses as PromQL (each is wrapped as a recording rule, Grafana's variables given values).
set -euo pipefail
cd "$(dirname "$0")"

promtool check rules prometheus/alerts.yml
promtool test rules prometheus/alerts.test.yml

queries="$(mktemp --suffix=.yml)"
trap 'rm -f "$queries"' EXIT
node -e '
  const board = JSON.parse(require("fs").readFileSync("grafana/moddy-bot.json", "utf8"));
  const panels = board.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  if (exprs.length === 0) throw new Error("the dashboard has no query");
  const promql = (e) => e.replaceAll("$__rate_interval", "5m").replaceAll("$instance", ".*");
  const rules = exprs.map((e, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(promql(e))}`);
  process.stdout.write(`groups:\n  - name: dashboard\n    rules:\n${rules.join("\n")}\n`);
' > "$queries"
echo "Dashboard queries (grafana/moddy-bot.json) as PromQL:"
promtool check rules "$queries"
