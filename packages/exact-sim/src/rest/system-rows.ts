import type { ApiCaller } from '../contract.ts';
import type { DivisionStore } from '../data/division-store.ts';
import type { Row } from '../data/table.ts';
import { amsterdamOffsetMs, formatLocalIso } from '../odata/dutch-time.ts';

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** The single `current/Me` row for the caller. */
export function meRow(caller: ApiCaller, current: DivisionStore | undefined, utcNow: number): Row {
  const offset = amsterdamOffsetMs(utcNow);
  const [first, ...others] = caller.fullName.trim().split(/\s+/);
  const division = caller.divisions[0] ?? null;
  return {
    UserID: caller.userId,
    CurrentDivision: division,
    AccountingDivision: division,
    DivisionCustomer: current ? current.ctx.key(9000, 0) : null,
    DivisionCustomerCode: current ? '                 1' : null,
    DivisionCustomerName: current?.info.description ?? null,
    DivisionCustomerVatNumber: null,
    DivisionCustomerSiretNumber: null,
    DossierDivision: null,
    FullName: caller.fullName,
    FirstName: first ?? null,
    MiddleName: null,
    LastName: others.length > 0 ? others.join(' ') : null,
    Initials: first ? `${first.charAt(0)}.` : null,
    Title: null,
    Gender: null,
    Email: caller.email,
    UserName: caller.username,
    LanguageCode: 'nl-NL',
    Language: 'NL'.padEnd(10, ' '),
    Legislation: 1,
    Mobile: null,
    Phone: null,
    PhoneExtension: null,
    Nationality: null,
    ServerTime: formatLocalIso(utcNow + offset),
    ServerUtcOffset: offset / 1000,
    EmployeeID: EMPTY_GUID,
    PictureUrl: null,
    ThumbnailPicture: null,
    ThumbnailPictureFormat: null,
    CustomerCode: '                 1',
    PackageCode: 'EOLAPPCENTER',
    IsClientUser: false,
    IsEmployeeSelfServiceUser: false,
    IsMyFirmLiteUser: false,
    IsMyFirmPortalUser: false,
    IsStarterUser: false,
    IsOEIMigrationMandatory: false,
  };
}

/** A `system/Divisions` / `system/AllDivisions` row. */
export function divisionRow(store: DivisionStore, current: boolean, main: boolean): Row {
  const { info, ctx } = store;
  return store.completed('system/Divisions', {
    Code: info.code,
    Description: info.description,
    Hid: info.hid,
    Current: current,
    Customer: ctx.key(9000, 0),
    CustomerCode: '                 1',
    CustomerName: info.description,
    Country: info.country.padEnd(3, ' '),
    Currency: info.currency,
    Legislation: info.country.padEnd(3, ' '),
    Status: info.status,
    BlockingStatus: info.blockingStatus,
    IsMainDivision: main,
    StartDate: Date.UTC(new Date(ctx.anchor).getUTCFullYear() - 5, 0, 1),
    ArchiveDate: null,
    DivisionMoveDate: null,
    VATNumber: `NL${String(info.code).padStart(9, '0').slice(-9)}B01`,
    TemplateCode: null,
    Created: store.createdAt,
    Modified: store.createdAt,
  });
}
