#!/usr/bin/env bash
# Seeds each fuzz target's corpus from the repository's own files (models, sample leads and
# events, the regression inputs), so the fuzzers start from real input.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/{model_reader,leads_reader,event_reader,scorer}
cp ../models/*.ron corpus/model_reader/
head -c 60000 ../assets/leads.csv > corpus/leads_reader/sample-leads.csv
head -c 60000 ../assets/events.csv > corpus/event_reader/sample-events.csv
# The scorer reads a model, a 0xFF byte, then leads.
for model in ../models/*.ron; do
  { cat "$model"; printf '\377'; head -c 20000 ../assets/leads.csv; } > "corpus/scorer/$(basename "$model" .ron)"
done
for target in model_reader leads_reader event_reader scorer; do
  if [ -d "../tests/fuzz-regressions/$target" ]; then
    cp ../tests/fuzz-regressions/"$target"/* "corpus/$target/" 2>/dev/null || true
  fi
done
