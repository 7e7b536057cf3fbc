import { ThreadWorker } from 'poolifier';
import { noop, payload, spin } from './tasks.cjs';

export default new ThreadWorker({ noop, payload, spin });
