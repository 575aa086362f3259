// Test double: a detection engine that fails on every message, to exercise the failure modes.
/* exported PalisadeDetect */
/* global PalisadeDetect: true */
PalisadeDetect = {
  scanMessage: function () {
    throw new Error("scanner exploded");
  }
};
