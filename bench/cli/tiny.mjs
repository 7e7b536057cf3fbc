/** The benchmark's tiny task: what each input line of `workforce run`, GNU parallel and the pool.run loop is given to. */
export default function tiny(item) {
  return { id: item.id, double: item.n * 2 };
}
