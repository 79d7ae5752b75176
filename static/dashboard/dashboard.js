/* Draws each chart from the JSON the server rendered next to its table (same numbers). */
(function () {
  "use strict";
  var PALETTE = ["#417690", "#ba2121", "#d29b00", "#3c8d40", "#7b4fa0", "#e07b39", "#2f9c9c", "#8a8a8a"];

  function css(name, fallback) {
    var v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return v || fallback;
  }

  function draw(canvas, spec) {
    var narrow = window.matchMedia("(max-width: 767px)").matches;
    var fg = css("--body-quiet-color", "#666");
    var grid = css("--hairline-color", "#e8e8e8");
    var indexAxis = spec.horizontal ? "y" : "x";
    var valueAxis = spec.horizontal ? "x" : "y";
    var scales = {};
    scales[indexAxis] = { stacked: !!spec.stacked, ticks: { color: fg, autoSkip: true, maxRotation: narrow ? 60 : 0,
      callback: function (value) { var l = this.getLabelForValue(value); return narrow && l.length > 18 ? l.slice(0, 17) + "…" : l; } },
      grid: { display: false } };
    scales[valueAxis] = { stacked: !!spec.stacked, beginAtZero: true, ticks: { color: fg, precision: 0 }, grid: { color: grid } };
    if (spec.percent) { scales[valueAxis].max = 100; }
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) {
          return { label: d.label, data: d.data, backgroundColor: PALETTE[i % PALETTE.length], borderWidth: 0, maxBarThickness: 40 };
        })
      },
      options: {
        indexAxis: indexAxis,
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: spec.datasets.length > 1, position: narrow ? "bottom" : "top", labels: { color: fg, boxWidth: 12 } },
          tooltip: { callbacks: spec.percent ? { label: function (c) { return c.dataset.label + ": " + c.formattedValue + " %"; } } : {} }
        },
        scales: scales
      }
    });
  }

  function init() {
    var source = document.getElementById("dashboard-charts");
    if (!source || typeof Chart === "undefined") { return; }
    var specs = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = specs[canvas.getAttribute("data-chart")];
      if (spec) { draw(canvas, spec); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
