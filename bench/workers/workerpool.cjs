'use strict';
const workerpool = require('workerpool');
const { noop, payload, spin } = require('./tasks.cjs');

workerpool.worker({ noop, payload, spin });
