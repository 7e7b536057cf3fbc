// The worker module of the π example: throws `points` random darts at the unit square and
// counts those that land inside the quarter circle (≈ π/4 of them).
export default function countInside(points) {
  let inside = 0;
  for (let i = 0; i < points; i++) {
    const x = Math.random();
    const y = Math.random();
    if (x * x + y * y <= 1) inside++;
  }
  return inside;
}
