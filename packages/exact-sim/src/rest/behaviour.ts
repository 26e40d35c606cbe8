/**
 * Knobs for behaviour the sources do not pin down (§3, §12 of exact-online-api.md). Defaults
 * follow the most plausible reading; tests and users can flip them.
 */
export interface DataPlaneBehaviour {
  /**
   * Answer a standard-endpoint collection read whose `$top` is at most the page size with a bare
   * `{"d":[…]}` instead of `{"d":{"results":[…]}}`, as recorded live responses show and open-source
   * clients' find-by-key (`$filter=ID eq guid'…'&$top=1`) expect (exact-online-api.md §3.3, §12).
   * Which endpoints do it is UNCONFIRMED (live answers were not consistent); `false` keeps `d.results`.
   */
  bareArrayForSmallTop: boolean;
  /** Status of a successful POST: 201 per OData, 200 as recorded through a proxy. */
  postStatus: 200 | 201;
  /** Refuse standard-endpoint reads with neither `$select` nor `$top=1`, like the endpoints in picqer #62/#556. */
  requireSelectOnStandard: boolean;
  /**
   * Exact's "mandatory filtering" (since July 2021, exact-online-api.md §1.7, §5): collection reads
   * of standard and bulk endpoints that have a sync twin need a `$filter`. How Exact applies it is
   * UNCONFIRMED, so it is off by default.
   */
  mandatoryFiltering: boolean;
}

export const defaultBehaviour: DataPlaneBehaviour = {
  bareArrayForSmallTop: true,
  postStatus: 201,
  requireSelectOnStandard: false,
  mandatoryFiltering: false,
};
