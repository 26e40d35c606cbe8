import type { EntityDef, Row, ScalarField } from '../catalogue/entity.ts';
import { fieldsOf } from '../catalogue/entity.ts';
import { ExactInputError } from '../errors.ts';
import { readRows } from '../values/row-reader.ts';
import type { RawPage } from './envelope.ts';
import { FilterBuilder, type FilterExpr } from './filter.ts';
import { defaultSelect, type QueryOptions, renderQuery } from './query-options.ts';

/** Fetches a collection page by page, following `__next`. */
export type PageReader = (resource: string, query: string) => AsyncGenerator<RawPage>;

/** Asks `{resource}/$count?{query}` for the number of matching rows. */
export type RowCounter = (resource: string, query: string) => Promise<number>;

export interface Page<R> {
  rows: R[];
  /** `__count` when `inlineCount()` was asked. */
  count?: number;
}

type NavField<E extends EntityDef> = {
  [P in keyof E['fields']]: E['fields'][P] extends { nav: EntityDef } ? P : never;
}[keyof E['fields']] &
  string;

/**
 * An immutable OData query on one entity: every method returns a new query. Run it with
 * `pages()` or `rows()`; both stream, holding one page in memory at a time.
 */
export class Query<E extends EntityDef, K extends keyof E['fields'] = keyof E['fields']> {
  readonly entity: E;
  readonly resource: string;
  readonly #read: PageReader;
  readonly #options: QueryOptions;
  readonly #count: RowCounter | undefined;

  constructor(
    entity: E,
    read: PageReader,
    options: QueryOptions = {},
    resource: string = entity.path,
    count?: RowCounter,
  ) {
    this.entity = entity;
    this.resource = resource;
    this.#read = read;
    this.#options = options;
    this.#count = count;
  }

  #with<K2 extends keyof E['fields']>(options: QueryOptions): Query<E, K2> {
    return new Query<E, K2>(
      this.entity,
      this.#read,
      { ...this.#options, ...options },
      this.resource,
      this.#count,
    );
  }

  /** `$select`; without it every scalar field of the catalogue entry is selected. */
  select<S extends keyof E['fields'] & string>(...fields: S[]): Query<E, S> {
    return this.#with<S>({ select: fields });
  }

  /** `$filter`, built with typed literals: `q.filter((f) => f.eq('Code', '42'))`. */
  filter(build: FilterExpr | ((f: FilterBuilder<E>) => FilterExpr)): Query<E, K> {
    const expr = typeof build === 'function' ? build(new FilterBuilder(this.entity)) : build;
    return this.#with<K>({ filter: expr.odata });
  }

  /** Caps the total number of rows (Exact still pages). */
  top(count: number): Query<E, K> {
    return this.#with<K>({ top: count });
  }

  orderBy(field: ScalarField<E>, direction: 'asc' | 'desc' = 'asc'): Query<E, K> {
    if (!fieldsOf(this.entity).has(field)) {
      throw new ExactInputError(`${this.entity.path} has no field ${field}`, { field });
    }
    return this.#with<K>({ orderBy: [...(this.#options.orderBy ?? []), `${field} ${direction}`] });
  }

  /** `$expand` of line collections; the lines come back typed inside each row. */
  expand<N extends NavField<E>>(...navs: N[]): Query<E, K | N> {
    const select = this.#options.select;
    return this.#with<K | N>({
      expand: navs,
      ...(select ? { select: [...new Set([...select, ...navs])] } : {}),
    });
  }

  /** `$inlinecount=allpages`: each page reports the total in `count`. */
  inlineCount(): Query<E, K> {
    return this.#with<K>({ inlineCount: true });
  }

  /** The query string this query sends (without `?`). */
  toString(): string {
    const expand = this.#options.expand ?? [];
    if (this.#options.select === undefined && expand.length > 0) {
      return renderQuery(this.entity, {
        ...this.#options,
        select: [...defaultSelect(this.entity), ...expand],
      });
    }
    return renderQuery(this.entity, this.#options);
  }

  async *pages(): AsyncGenerator<Page<Row<E, K>>> {
    const entity = this.entity;
    for await (const page of this.#read(this.resource, this.toString())) {
      const rows = readRows(entity, page.records) as Row<E, K>[];
      yield page.count === undefined ? { rows } : { rows, count: page.count };
    }
  }

  async *rows(): AsyncGenerator<Row<E, K>> {
    for await (const page of this.pages()) yield* page.rows;
  }

  /**
   * The number of rows matching the filter (capped by `top()`), in one call to
   * `…/$count` without reading them; `$select`, `$orderby` and `$expand` do not apply.
   */
  count(): Promise<number> {
    if (this.#count === undefined) {
      return Promise.reject(
        new ExactInputError(
          `${this.resource} cannot be counted here: count() works on DivisionClient.query(), the standard endpoint`,
          { resource: this.resource },
        ),
      );
    }
    const { filter, top } = this.#options;
    const query = renderQuery(this.entity, {
      select: [],
      ...(filter === undefined ? {} : { filter }),
      ...(top === undefined ? {} : { top }),
    });
    return this.#count(this.resource, query);
  }

  /** The first row, asking Exact for one row only. */
  async first(): Promise<Row<E, K> | undefined> {
    for await (const row of this.top(1).rows()) return row;
    return undefined;
  }

  /** Every row in an array; for small results only (use `rows()` to stream). */
  async all(): Promise<Row<E, K>[]> {
    const rows: Row<E, K>[] = [];
    for await (const row of this.rows()) rows.push(row);
    return rows;
  }
}
