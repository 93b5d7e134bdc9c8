#!/usr/bin/env bash
# Draws the connections sweep of compare.sh as an SVG line chart (throughput against connections,
# one panel for the capped origin, one for full speed), with nothing but awk.
# Usage: chart.sh RUNS.TSV RATE_MIB FILE TITLE_DATE > connections.svg
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: chart.sh RUNS.TSV RATE_MIB FILE DATE > chart.svg" >&2; exit 2; }
awk -F'\t' -v rate="$2" -v file="$3" -v date="$4" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function nice(value,   p, s, i) {   # a round axis maximum at or above value
    p = 1; while (p * 10 <= value) p *= 10
    split("1 1.5 2 2.5 3 4 5 6 8 10", s, " ")
    for (i = 1; i <= 10; i++) if (s[i] * p >= value) return s[i] * p
    return 10 * p
  }
  NR > 1 && $1 == "sweep" && $12 == 1 {
    speed[$2, $3, $4] = speed[$2, $3, $4] " " ($6 / 1048576 / $8)
    if (!($4 in isconn)) { isconn[$4] = 1; conns[++nc] = $4 + 0 }
    if (!($3 in istool)) { istool[$3] = 1; tools[++nt] = $3 }
    if ($3 == "modelfetch" && tools[1] != "modelfetch") { tools[nt] = tools[1]; tools[1] = "modelfetch" }
  }
  END {
    # connection counts in ascending order, equally spaced on the x axis
    for (i = 2; i <= nc; i++) { t = conns[i]; for (j = i - 1; j >= 1 && conns[j] > t; j--) conns[j + 1] = conns[j]; conns[j + 1] = t }
    color["modelfetch"] = "#1f6fb4"; color["aria2c"] = "#e8731a"
    W = 900; H = 400; pw = 360; ph = 260; top = 70
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H, W, H
    printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
    printf "<text x=\"%d\" y=\"22\" font-size=\"15\" text-anchor=\"middle\">Throughput against connections: %s from nginx on loopback (%s)</text>\n", W / 2, file, date
    lx = W / 2 - 170
    for (t = 1; t <= nt; t++) {
      c = color[tools[t]] == "" ? "#555" : color[tools[t]]
      printf "<line x1=\"%d\" y1=\"42\" x2=\"%d\" y2=\"42\" stroke=\"%s\" stroke-width=\"2.5\"/><circle cx=\"%d\" cy=\"42\" r=\"3.5\" fill=\"%s\"/>", lx, lx + 24, c, lx + 12, c
      printf "<text x=\"%d\" y=\"46\">%s</text>\n", lx + 30, tools[t]
      lx += 110
    }
    printf "<line x1=\"%d\" y1=\"42\" x2=\"%d\" y2=\"42\" stroke=\"#888\" stroke-dasharray=\"5,4\"/><text x=\"%d\" y=\"46\">cap x connections</text>\n", lx, lx + 24, lx + 30
    split("http-slow http-fast", cases, " ")
    title["http-slow"] = "/slow/: " rate " MiB/s per connection"; title["http-fast"] = "/fast/: full speed"
    for (p = 1; p <= 2; p++) {
      k = cases[p]; x0 = 70 + (p - 1) * (pw + 90); y0 = top + ph
      max = 0
      for (t = 1; t <= nt; t++) for (i = 1; i <= nc; i++) {
        l = speed[k, tools[t], conns[i]]
        if (l != "") { v[k, tools[t], i] = median(l); if (v[k, tools[t], i] > max) max = v[k, tools[t], i] } else v[k, tools[t], i] = -1
      }
      if (k == "http-slow" && rate * conns[nc] > max) max = rate * conns[nc]
      ymax = nice(max * 1.05 + 1)
      printf "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">%s</text>\n", x0 + pw / 2, top - 8, title[k]
      for (g = 0; g <= 5; g++) {
        y = y0 - ph * g / 5
        printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>", x0, y, x0 + pw, y
        printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", x0 - 6, y + 4, ymax * g / 5
      }
      printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", x0, y0, x0 + pw, y0
      printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", x0, y0, x0, top
      for (i = 1; i <= nc; i++) {
        x[i] = x0 + (nc == 1 ? pw / 2 : 20 + (pw - 40) * (i - 1) / (nc - 1))
        printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n", x[i], y0 + 18, conns[i]
      }
      printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">connections</text>\n", x0 + pw / 2, y0 + 36
      printf "<text transform=\"translate(%d,%d) rotate(-90)\" text-anchor=\"middle\">MiB/s</text>\n", x0 - 48, top + ph / 2
      if (k == "http-slow") {
        pts = ""
        for (i = 1; i <= nc; i++) pts = pts sprintf("%.1f,%.1f ", x[i], y0 - ph * rate * conns[i] / ymax)
        printf "<polyline points=\"%s\" fill=\"none\" stroke=\"#888\" stroke-dasharray=\"5,4\"/>\n", pts
      }
      for (t = 1; t <= nt; t++) {
        c = color[tools[t]] == "" ? "#555" : color[tools[t]]; pts = ""
        for (i = 1; i <= nc; i++) if (v[k, tools[t], i] >= 0) pts = pts sprintf("%.1f,%.1f ", x[i], y0 - ph * v[k, tools[t], i] / ymax)
        printf "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"/>\n", pts, c
        for (i = 1; i <= nc; i++) if (v[k, tools[t], i] >= 0) {
          y = y0 - ph * v[k, tools[t], i] / ymax
          printf "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s x%d: %.0f MiB/s</title></circle>", x[i], y, c, tools[t], conns[i], v[k, tools[t], i]
          # the higher point of a pair gets its label above, the lower one below, so labels never overlap
          above = 1
          for (u = 1; u <= nt; u++) if (u != t && v[k, tools[u], i] > v[k, tools[t], i]) above = 0
          printf "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"%s\" text-anchor=\"middle\">%.0f</text>\n", x[i], y + (above ? -8 : 16), c, v[k, tools[t], i]
        }
      }
    }
    print "</svg>"
  }' "$1"
