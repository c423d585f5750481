#!/usr/bin/env bash
# Side-by-side full builds of the same generated corpus with cairn and Hugo.
#
#   bash benches/compare.sh                # 1,000, 10,000 and 50,000 articles, 3 runs each
#   RUNS=5 bash benches/compare.sh 10000   # one size, more runs
#
# For each size and tool: one "fresh" build into an empty output folder
# (the previous output set aside first, and deleted only after the last
# measurement: ext4 skips inodes deleted in the last minutes when it
# allocates new ones, so a build right after `rm -rf` of a large output
# mostly measures that scan), then RUNS "rebuilds" over the existing output. Reports wall time, CPU time (user + sys) and peak RSS
# from GNU time, medians over the runs, and cairn ÷ Hugo ratios.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)
runs=${RUNS:-3}
work=${BENCH_DIR:-target/bench}

if ! command -v hugo >/dev/null || [ ! -x /usr/bin/time ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq hugo time >/dev/null
fi

cargo build --release --quiet --bin cairn --example corpus
cairn=$PWD/target/release/cairn
mkdir -p "$work"
trash=$work/set-aside

# measure TOOL OUT -> "wall cpu rss_kb"
measure() {
  local tool=$1 root=$2 out=$3 stats
  stats=$(mktemp)
  if [ "$tool" = cairn ]; then
    /usr/bin/time -f "%e %U %S %M" -o "$stats" "$cairn" build --root "$root" --output "$out" >/dev/null
  else
    /usr/bin/time -f "%e %U %S %M" -o "$stats" hugo --quiet -s "$root" -d "$out" >/dev/null
  fi
  awk '{ printf "%.2f %.2f %d\n", $1, $2 + $3, $4 }' "$stats"
  rm -f "$stats"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "cairn $("$cairn" --version | cut -d' ' -f2) vs $(hugo version | cut -d' ' -f1-2); $(nproc) cores; $(date -u +%Y-%m-%d)"
echo
echo "| articles | tool | fresh wall s | rebuild wall s (median) | CPU s (median) | peak RSS MB (max) |"
echo "|---:|---|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  corpus=$work/corpus-$n
  if [ ! -f "$corpus/cairn/site.toml" ]; then
    target/release/examples/corpus --articles "$n" --seed 7 --out "$corpus" >/dev/null
  fi
  declare -A wall cpu rss fresh
  for tool in cairn hugo; do
    out=$work/out-$tool-$n
    if [ -e "$out" ]; then
      mkdir -p "$trash"
      mv "$out" "$(mktemp -d "$trash/XXXXXX")/"
    fi
    read -r fw fc fr < <(measure "$tool" "$corpus/$tool" "$out")
    walls=() cpus=() rsss=("$fr")
    for _ in $(seq "$runs"); do
      read -r w c r < <(measure "$tool" "$corpus/$tool" "$out")
      walls+=("$w") cpus+=("$c") rsss+=("$r")
    done
    fresh[$tool]=$fw
    wall[$tool]=$(printf '%s\n' "${walls[@]}" | median)
    cpu[$tool]=$(printf '%s\n' "${cpus[@]}" | median)
    rss[$tool]=$(printf '%s\n' "${rsss[@]}" | sort -n | tail -1)
    printf "| %s | %s | %s | %s | %s | %d |\n" "$n" "$tool" "$fw" "${wall[$tool]}" "${cpu[$tool]}" $(( ${rss[$tool]} / 1024 ))
  done
  awk -v n="$n" -v fc="${fresh[cairn]}" -v fh="${fresh[hugo]}" -v wc="${wall[cairn]}" -v wh="${wall[hugo]}" \
      -v cc="${cpu[cairn]}" -v ch="${cpu[hugo]}" -v rc="${rss[cairn]}" -v rh="${rss[hugo]}" \
      'BEGIN { printf "| %s | **cairn ÷ Hugo** | **%.2f** | **%.2f** | **%.2f** | **%.2f** |\n", n, fc / fh, wc / wh, cc / ch, rc / rh }'
  unset wall cpu rss fresh
done
rm -rf "$trash"
