import type { EntityDef, FilterValue, ParsedField, ScalarField } from '../catalogue/entity.ts';
import { fieldsOf } from '../catalogue/entity.ts';
import { ExactInputError } from '../errors.ts';
import { fieldLiteral, literal } from './literals.ts';

/** A formatted `$filter` expression. */
export interface FilterExpr {
  readonly odata: string;
}

type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** Typed `$filter` construction for one entity; values are formatted from the field's Edm type. */
export class FilterBuilder<E extends EntityDef> {
  readonly #entity: E;

  constructor(entity: E) {
    this.#entity = entity;
  }

  #field(name: string): ParsedField {
    const field = fieldsOf(this.#entity).get(name);
    if (field !== undefined) return field;
    if (name === 'Timestamp') {
      return { name, type: 'Int64', readOnly: true, padded: false, accountCode: false, nav: undefined };
    }
    throw new ExactInputError(`${this.#entity.path} has no field ${name}`, {
      entity: this.#entity.path,
      field: name,
    });
  }

  #compare(op: Comparison, name: string, value: unknown): FilterExpr {
    return { odata: `${name} ${op} ${fieldLiteral(this.#field(name), value)}` };
  }

  eq<K extends ScalarField<E>>(field: K, value: FilterValue<E, K> | null): FilterExpr {
    return this.#compare('eq', field, value);
  }
  ne<K extends ScalarField<E>>(field: K, value: FilterValue<E, K> | null): FilterExpr {
    return this.#compare('ne', field, value);
  }
  gt<K extends ScalarField<E>>(field: K, value: FilterValue<E, K>): FilterExpr {
    return this.#compare('gt', field, value);
  }
  ge<K extends ScalarField<E>>(field: K, value: FilterValue<E, K>): FilterExpr {
    return this.#compare('ge', field, value);
  }
  lt<K extends ScalarField<E>>(field: K, value: FilterValue<E, K>): FilterExpr {
    return this.#compare('lt', field, value);
  }
  le<K extends ScalarField<E>>(field: K, value: FilterValue<E, K>): FilterExpr {
    return this.#compare('le', field, value);
  }

  /** `Timestamp gt 123L`, the sync cursor comparison. */
  timestampAfter(cursor: bigint | string | number): FilterExpr {
    return { odata: `Timestamp gt ${literal.int64(cursor)}` };
  }

  /** `substringof('text', Field) eq true`. */
  contains(field: ScalarField<E>, text: string): FilterExpr {
    this.#field(field);
    return { odata: `substringof(${literal.string(text)}, ${field}) eq true` };
  }

  and(...parts: FilterExpr[]): FilterExpr {
    return join('and', parts);
  }
  or(...parts: FilterExpr[]): FilterExpr {
    return join('or', parts);
  }
  not(part: FilterExpr): FilterExpr {
    return { odata: `not (${part.odata})` };
  }
  /** A hand-written expression; build its literals with `literal.*`. */
  raw(odata: string): FilterExpr {
    return { odata };
  }
}

function join(op: 'and' | 'or', parts: FilterExpr[]): FilterExpr {
  if (parts.length === 0) throw new ExactInputError(`${op}() needs at least one expression`);
  if (parts.length === 1) return parts[0] as FilterExpr;
  return { odata: parts.map((part) => `(${part.odata})`).join(` ${op} `) };
}
