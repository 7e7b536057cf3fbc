'use strict';
// worker-farm calls each method with the arguments and a node-style callback.
const tasks = require('./tasks.cjs');

exports.noop = (callback) => callback(null, tasks.noop());
exports.spin = (iterations, callback) => callback(null, tasks.spin(iterations));
