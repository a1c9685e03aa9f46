/*
 * The charts of the suggestion statistics page (suggestions/stats/page.html).
 *
 * The page carries its numbers as JSON in <script type="application/json"
 * id="suggestion-chart-data"> (from Django's json_script: no inline script, which the CSP
 * forbids) and one <div data-chart="KEY"> per chart. Each becomes a horizontal bar chart of
 * data[KEY] = {labels: [...], values: [...], percent: bool}, drawn with ECharts from
 * static/vendor/; a percentage chart (the units' ranking) runs from 0 to 100. The table beside
 * each chart holds the same numbers and stays the accessible version; without ECharts the page
 * shows the tables only.
 */
(function () {
  "use strict";

  var BRAND = "#a4161a";
  var INK = "#1a1a1a";
  var LINE = "#d9d4cc";
  var FONT = '"Noto Sans SC", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var ROW_HEIGHT = 32;

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function option(series) {
    // Largest first from the top: ECharts draws a category axis from the bottom up.
    var labels = series.labels.slice().reverse();
    var values = series.values.slice().reverse();
    var axis = { type: "value", splitLine: { lineStyle: { color: LINE } } };
    var label = { show: true, position: "right", color: INK };
    if (series.percent) {
      axis.min = 0;
      axis.max = 100;
      axis.axisLabel = { formatter: "{value}%" };
      label.formatter = "{c}%";
    } else {
      axis.minInterval = 1;
    }
    return {
      animation: !reducedMotion(),
      textStyle: { fontFamily: FONT, color: INK },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      xAxis: axis,
      yAxis: {
        type: "category",
        data: labels,
        axisTick: { show: false },
        axisLabel: { width: 120, overflow: "truncate" }
      },
      series: [{
        type: "bar",
        data: values,
        barMaxWidth: 22,
        itemStyle: { color: BRAND },
        label: label
      }]
    };
  }

  function draw() {
    var source = document.getElementById("suggestion-chart-data");
    if (!source || typeof window.echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var series = data[element.getAttribute("data-chart")];
      if (!series || !series.values || !series.values.length) {
        return;
      }
      // A height that fits the bars; set through the CSSOM, which the CSP allows.
      element.style.height = Math.max(160, series.values.length * ROW_HEIGHT + 40) + "px";
      element.classList.add("chart--drawn");
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(option(series));
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
