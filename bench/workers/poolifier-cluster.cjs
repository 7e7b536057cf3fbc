'use strict';
const { ClusterWorker } = require('poolifier');
const { noop, payload, spin } = require('./tasks.cjs');

module.exports = new ClusterWorker({ noop, payload, spin });
