// workforce (runMethod / addTask with `method`), piscina and tinypool (`name`): named exports.
export { noop, payload, spin } from './tasks.cjs';
