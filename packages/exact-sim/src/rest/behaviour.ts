/**
 * Knobs for behaviour the sources do not pin down (§3, §12 of exact-online-api.md). Defaults
 * follow the most plausible reading; tests and users can flip them.
 */
export interface DataPlaneBehaviour {
  /** Answer `{"d":[…]}` instead of `{"d":{"results":[…]}}` when `$top` ≤ the page size (seen on some endpoints). */
  bareArrayForSmallTop: boolean;
  /** Status of a successful POST: 201 per OData, 200 as recorded through a proxy. */
  postStatus: 200 | 201;
  /** Refuse standard-endpoint reads with neither `$select` nor `$top=1`, like the endpoints in picqer #62/#556. */
  requireSelectOnStandard: boolean;
}

export const defaultBehaviour: DataPlaneBehaviour = {
  bareArrayForSmallTop: false,
  postStatus: 201,
  requireSelectOnStandard: false,
};
