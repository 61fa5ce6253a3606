# Turns scale-bench.sh's TSV rows (cores, split, round, req/s, p50, p99, errors) into a Markdown table:
# per core count and split, the mean req/s and the mean p50/p99 over rounds, and each row's throughput
# as a share of the best split at that core count; "auto" rows say how far auto is from the best.
{
  key = $1 SUBSEP $2
  if (!(key in n)) { order[++rows] = key; cores[key] = $1; spl[key] = $2 }
  n[key]++; rps[key] += $4; p50[key] += $5; p99[key] += $6
  if ($7 != "none" && $7 != "") errors[key] = errors[key] " " $7
}
END {
  for (i = 1; i <= rows; i++) {
    k = order[i]; mean = rps[k] / n[k]
    if (spl[k] != "auto" && mean > best[cores[k]]) { best[cores[k]] = mean; bestSplit[cores[k]] = spl[k] }
  }
  print "| cores | split | req/s | p50 ms | p99 ms | vs best split | errors |"
  print "| ---: | --- | ---: | ---: | ---: | ---: | --- |"
  for (i = 1; i <= rows; i++) {
    k = order[i]; mean = rps[k] / n[k]
    ratio = best[cores[k]] > 0 ? sprintf("%.2f", mean / best[cores[k]]) : "-"
    if (spl[k] == "auto") ratio = ratio " (best: " bestSplit[cores[k]] ")"
    printf "| %s | %s | %.1f | %.0f | %.0f | %s | %s |\n", cores[k], spl[k], mean, p50[k] / n[k], p99[k] / n[k],
      ratio, errors[k] == "" ? "none" : errors[k]
  }
}
