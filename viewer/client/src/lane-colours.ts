/**
 * One colour per lane, shared by the lane's trail and its label's swatch: grey before adaptation, then
 * strong colours for the lanes after 1, 2, ... steps or episodes (cycled), none of them the goal's green
 * or the arrows' orange.
 */
const LANE_COLOURS = ['#7d8796', '#2f6fdf', '#9b3fb5', '#d81b60', '#00897b', '#6d4c41', '#c49000'];

/** The colour of lane `lane` (CSS hex). */
export function laneColour(lane: number): string {
  return LANE_COLOURS[lane % LANE_COLOURS.length];
}
