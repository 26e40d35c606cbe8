// Word lists for realistic Dutch master data. Cities carry their real postcode range and
// telephone area code so that addresses and phone numbers agree with each other.

export interface City {
  name: string;
  /** First two digits of the city's postcodes. */
  postcodeFrom: number;
  postcodeTo: number;
  /** Area code without the leading 0, e.g. `20` for Amsterdam. */
  areaCode: string;
}

export const cities: readonly City[] = [
  { name: 'Amsterdam', postcodeFrom: 10, postcodeTo: 11, areaCode: '20' },
  { name: 'Rotterdam', postcodeFrom: 30, postcodeTo: 31, areaCode: '10' },
  { name: 'Den Haag', postcodeFrom: 25, postcodeTo: 25, areaCode: '70' },
  { name: 'Utrecht', postcodeFrom: 35, postcodeTo: 35, areaCode: '30' },
  { name: 'Eindhoven', postcodeFrom: 56, postcodeTo: 56, areaCode: '40' },
  { name: 'Groningen', postcodeFrom: 97, postcodeTo: 97, areaCode: '50' },
  { name: 'Tilburg', postcodeFrom: 50, postcodeTo: 50, areaCode: '13' },
  { name: 'Almere', postcodeFrom: 13, postcodeTo: 13, areaCode: '36' },
  { name: 'Breda', postcodeFrom: 48, postcodeTo: 48, areaCode: '76' },
  { name: 'Nijmegen', postcodeFrom: 65, postcodeTo: 65, areaCode: '24' },
  { name: 'Haarlem', postcodeFrom: 20, postcodeTo: 20, areaCode: '23' },
  { name: 'Arnhem', postcodeFrom: 68, postcodeTo: 68, areaCode: '26' },
  { name: 'Zwolle', postcodeFrom: 80, postcodeTo: 80, areaCode: '38' },
  { name: 'Leiden', postcodeFrom: 23, postcodeTo: 23, areaCode: '71' },
  { name: 'Maastricht', postcodeFrom: 62, postcodeTo: 62, areaCode: '43' },
  { name: 'Amersfoort', postcodeFrom: 38, postcodeTo: 38, areaCode: '33' },
  { name: 'Apeldoorn', postcodeFrom: 73, postcodeTo: 73, areaCode: '55' },
  { name: 'Enschede', postcodeFrom: 75, postcodeTo: 75, areaCode: '53' },
  { name: 'Delft', postcodeFrom: 26, postcodeTo: 26, areaCode: '15' },
  { name: 'Alkmaar', postcodeFrom: 18, postcodeTo: 18, areaCode: '72' },
  { name: "'s-Hertogenbosch", postcodeFrom: 52, postcodeTo: 52, areaCode: '73' },
  { name: 'Leeuwarden', postcodeFrom: 89, postcodeTo: 89, areaCode: '58' },
  { name: 'Deventer', postcodeFrom: 74, postcodeTo: 74, areaCode: '570' },
  { name: 'Gouda', postcodeFrom: 28, postcodeTo: 28, areaCode: '182' },
];

export const streets: readonly string[] = [
  'Kerkstraat',
  'Dorpsstraat',
  'Molenweg',
  'Stationsweg',
  'Hoofdstraat',
  'Schoolstraat',
  'Nieuwstraat',
  'Julianastraat',
  'Beatrixlaan',
  'Wilhelminastraat',
  'Industrieweg',
  'Marktplein',
  'Parallelweg',
  'Sportlaan',
  'Lindelaan',
  'Eikenlaan',
  'Prinsengracht',
  'Oranjestraat',
  'Havenstraat',
  'Kanaalweg',
  'Burgemeester de Withstraat',
  'Van Goghlaan',
  'Rembrandtplein',
  'Spoorstraat',
  'Zuiderweg',
  'Ambachtsweg',
  'Nijverheidsweg',
  'Handelsweg',
  'Koningin Emmalaan',
  'Prins Hendrikkade',
];

export const surnames: readonly string[] = [
  'De Vries',
  'Jansen',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'De Boer',
  'Mulder',
  'De Groot',
  'Bos',
  'Vos',
  'Peters',
  'Hendriks',
  'Van Leeuwen',
  'Dekker',
  'Brouwer',
  'De Wit',
  'Dijkstra',
  'Smits',
  'De Graaf',
  'Van der Meer',
  'Van der Linden',
  'Kok',
  'Jacobs',
  'De Haan',
  'Vermeulen',
  'Van den Berg',
  'Van Dijk',
  'Schouten',
  'Willems',
  'Hoekstra',
  'Koster',
  'Prins',
  'Verhoeven',
  'Kuipers',
  'Postma',
  'Van Beek',
  'Huisman',
];

export const firstNames: readonly { name: string; gender: 'M' | 'V' }[] = [
  { name: 'Jan', gender: 'M' },
  { name: 'Pieter', gender: 'M' },
  { name: 'Kees', gender: 'M' },
  { name: 'Mark', gender: 'M' },
  { name: 'Dennis', gender: 'M' },
  { name: 'Bas', gender: 'M' },
  { name: 'Thijs', gender: 'M' },
  { name: 'Daan', gender: 'M' },
  { name: 'Ruud', gender: 'M' },
  { name: 'Willem', gender: 'M' },
  { name: 'Sander', gender: 'M' },
  { name: 'Joris', gender: 'M' },
  { name: 'Anne', gender: 'V' },
  { name: 'Sanne', gender: 'V' },
  { name: 'Lotte', gender: 'V' },
  { name: 'Marieke', gender: 'V' },
  { name: 'Femke', gender: 'V' },
  { name: 'Inge', gender: 'V' },
  { name: 'Linda', gender: 'V' },
  { name: 'Esther', gender: 'V' },
  { name: 'Karin', gender: 'V' },
  { name: 'Sophie', gender: 'V' },
  { name: 'Eva', gender: 'V' },
  { name: 'Monique', gender: 'V' },
];

/** Trades that prefix a company name: "Bakkerij De Vries B.V.". */
export const trades: readonly string[] = [
  'Bakkerij',
  'Garage',
  'Installatiebedrijf',
  'Schildersbedrijf',
  'Hoveniersbedrijf',
  'Transportbedrijf',
  'Advocatenkantoor',
  'Tandartspraktijk',
  'Bloemenhandel',
  'Kapsalon',
  'Loodgietersbedrijf',
  'Drukkerij',
  'Autobedrijf',
  'Architectenbureau',
  'Administratiekantoor',
  'Restaurant',
  'Slagerij',
  'Fietsenwinkel',
  'Timmerbedrijf',
  'Groothandel',
  'Aannemersbedrijf',
  'Elektrotechniek',
  'Schoonmaakbedrijf',
  'Dakdekkersbedrijf',
];

export const legalForms: readonly string[] = ['B.V.', 'B.V.', 'B.V.', 'V.O.F.', '& Zn.', 'Holding B.V.', ''];

export const jobTitles: readonly string[] = [
  'Directeur',
  'Eigenaar',
  'Office manager',
  'Boekhouder',
  'Inkoper',
  'Financieel medewerker',
  'Bedrijfsleider',
  'Projectleider',
  'Verkoopmedewerker',
  'Administratief medewerker',
];

export const emailProviders: readonly string[] = [
  'gmail.com',
  'hotmail.com',
  'outlook.com',
  'ziggo.nl',
  'kpnmail.nl',
  'planet.nl',
  'xs4all.nl',
];

export interface ItemTemplate {
  description: string;
  unit: string;
  unitDescription: string;
  price: number;
  group: string;
}

export const itemTemplates: readonly ItemTemplate[] = [
  {
    description: 'Koffiebonen Arabica 1 kg',
    unit: 'kg',
    unitDescription: 'Kilogram',
    price: 18.95,
    group: 'VOED',
  },
  { description: 'Volkorenbrood heel', unit: 'pc', unitDescription: 'Stuk', price: 3.45, group: 'VOED' },
  {
    description: 'Schroeven RVS 4x40 (doos 200 st.)',
    unit: 'doos',
    unitDescription: 'Doos',
    price: 12.5,
    group: 'BEVES',
  },
  {
    description: 'Muurverf wit mat 10 l',
    unit: 'emmer',
    unitDescription: 'Emmer',
    price: 64.0,
    group: 'VERF',
  },
  { description: 'Installatie cv-ketel', unit: 'pc', unitDescription: 'Stuk', price: 1895.0, group: 'INST' },
  { description: 'Arbeidsuur monteur', unit: 'uur', unitDescription: 'Uur', price: 62.5, group: 'UREN' },
  { description: 'Adviesuur', unit: 'uur', unitDescription: 'Uur', price: 95.0, group: 'UREN' },
  {
    description: 'Tulpen gemengd (bos 20)',
    unit: 'bos',
    unitDescription: 'Bos',
    price: 7.99,
    group: 'BLOEM',
  },
  {
    description: 'Printpapier A4 80 g (5 pakken)',
    unit: 'doos',
    unitDescription: 'Doos',
    price: 27.5,
    group: 'KANT',
  },
  { description: 'Fietsband 28 inch', unit: 'pc', unitDescription: 'Stuk', price: 24.95, group: 'FIETS' },
  {
    description: 'Dakpan keramisch antraciet',
    unit: 'pc',
    unitDescription: 'Stuk',
    price: 2.15,
    group: 'BOUW',
  },
  {
    description: 'Grind 8-16 mm (big bag)',
    unit: 'bag',
    unitDescription: 'Big bag',
    price: 89.0,
    group: 'BOUW',
  },
  { description: 'LED-paneel 60x60 cm', unit: 'pc', unitDescription: 'Stuk', price: 39.95, group: 'ELEK' },
  {
    description: 'Installatiekabel 3x2,5 mm² (rol 100 m)',
    unit: 'rol',
    unitDescription: 'Rol',
    price: 129.0,
    group: 'ELEK',
  },
  { description: 'Transport per km', unit: 'km', unitDescription: 'Kilometer', price: 1.35, group: 'TRANS' },
  {
    description: 'Onderhoudscontract jaar',
    unit: 'jaar',
    unitDescription: 'Jaar',
    price: 450.0,
    group: 'DIENST',
  },
  {
    description: 'Kantoorstoel ergonomisch',
    unit: 'pc',
    unitDescription: 'Stuk',
    price: 349.0,
    group: 'MEUB',
  },
  {
    description: 'Schoonmaakmiddel allesreiniger 5 l',
    unit: 'can',
    unitDescription: 'Can',
    price: 14.25,
    group: 'SCHOON',
  },
  { description: 'Rundergehakt 1 kg', unit: 'kg', unitDescription: 'Kilogram', price: 11.9, group: 'VOED' },
  {
    description: 'Hardhouten plank 22x150 mm (per m)',
    unit: 'm',
    unitDescription: 'Meter',
    price: 8.75,
    group: 'HOUT',
  },
];

export interface GLAccountTemplate {
  code: string;
  description: string;
  type: number;
  balanceType: 'B' | 'W';
  balanceSide: 'D' | 'C';
}

/** A small Dutch chart of accounts (RGS-like numbering), in code order. */
export const glAccountTemplates: readonly GLAccountTemplate[] = [
  { code: '0100', description: 'Bedrijfspanden', type: 32, balanceType: 'B', balanceSide: 'D' },
  { code: '0200', description: 'Machines en installaties', type: 32, balanceType: 'B', balanceSide: 'D' },
  { code: '0300', description: 'Inventaris', type: 32, balanceType: 'B', balanceSide: 'D' },
  { code: '0400', description: 'Vervoermiddelen', type: 32, balanceType: 'B', balanceSide: 'D' },
  { code: '0500', description: 'Eigen vermogen', type: 60, balanceType: 'B', balanceSide: 'C' },
  { code: '0700', description: 'Langlopende leningen', type: 50, balanceType: 'B', balanceSide: 'C' },
  { code: '1000', description: 'Kas', type: 10, balanceType: 'B', balanceSide: 'D' },
  { code: '1100', description: 'Bank ING', type: 12, balanceType: 'B', balanceSide: 'D' },
  { code: '1110', description: 'Bank Rabobank', type: 12, balanceType: 'B', balanceSide: 'D' },
  { code: '1300', description: 'Debiteuren', type: 20, balanceType: 'B', balanceSide: 'D' },
  { code: '1500', description: 'Te betalen btw hoog', type: 24, balanceType: 'B', balanceSide: 'C' },
  { code: '1510', description: 'Te betalen btw laag', type: 24, balanceType: 'B', balanceSide: 'C' },
  { code: '1520', description: 'Te vorderen btw', type: 24, balanceType: 'B', balanceSide: 'D' },
  { code: '1530', description: 'Afdracht btw', type: 24, balanceType: 'B', balanceSide: 'C' },
  { code: '1600', description: 'Crediteuren', type: 22, balanceType: 'B', balanceSide: 'C' },
  { code: '1700', description: 'Nog te betalen bedragen', type: 50, balanceType: 'B', balanceSide: 'C' },
  { code: '2000', description: 'Tussenrekening lonen', type: 90, balanceType: 'B', balanceSide: 'C' },
  { code: '3000', description: 'Voorraad handelsgoederen', type: 30, balanceType: 'B', balanceSide: 'D' },
  { code: '4000', description: 'Lonen en salarissen', type: 110, balanceType: 'W', balanceSide: 'D' },
  { code: '4100', description: 'Sociale lasten', type: 110, balanceType: 'W', balanceSide: 'D' },
  { code: '4200', description: 'Pensioenlasten', type: 110, balanceType: 'W', balanceSide: 'D' },
  { code: '4300', description: 'Huur bedrijfspand', type: 110, balanceType: 'W', balanceSide: 'D' },
  { code: '4310', description: 'Energiekosten', type: 110, balanceType: 'W', balanceSide: 'D' },
  { code: '4400', description: 'Kantoorbenodigdheden', type: 110, balanceType: 'W', balanceSide: 'D' },
  { code: '4410', description: 'Telefoon en internet', type: 110, balanceType: 'W', balanceSide: 'D' },
  { code: '4500', description: 'Brandstof auto', type: 110, balanceType: 'W', balanceSide: 'D' },
  { code: '4510', description: 'Onderhoud auto', type: 110, balanceType: 'W', balanceSide: 'D' },
  { code: '4600', description: 'Reclame en advertenties', type: 110, balanceType: 'W', balanceSide: 'D' },
  { code: '4700', description: 'Verzekeringen', type: 110, balanceType: 'W', balanceSide: 'D' },
  { code: '4800', description: 'Accountantskosten', type: 110, balanceType: 'W', balanceSide: 'D' },
  { code: '4810', description: 'Bankkosten', type: 110, balanceType: 'W', balanceSide: 'D' },
  { code: '4900', description: 'Afschrijvingen', type: 111, balanceType: 'W', balanceSide: 'D' },
  { code: '7000', description: 'Inkoopwaarde van de omzet', type: 111, balanceType: 'W', balanceSide: 'D' },
  { code: '7100', description: 'Inkopen materialen', type: 111, balanceType: 'W', balanceSide: 'D' },
  { code: '8000', description: 'Omzet hoog tarief', type: 111, balanceType: 'W', balanceSide: 'C' },
  { code: '8100', description: 'Omzet laag tarief', type: 111, balanceType: 'W', balanceSide: 'C' },
  { code: '8200', description: 'Omzet verlegd', type: 111, balanceType: 'W', balanceSide: 'C' },
  { code: '8300', description: 'Omzet diensten', type: 111, balanceType: 'W', balanceSide: 'C' },
  { code: '8900', description: 'Kortingen op omzet', type: 111, balanceType: 'W', balanceSide: 'D' },
  { code: '9000', description: 'Rentebaten en -lasten', type: 111, balanceType: 'W', balanceSide: 'C' },
];

export const glTypeDescriptions: Readonly<Record<number, string>> = {
  10: 'Kas',
  12: 'Bank',
  20: 'Debiteuren',
  22: 'Crediteuren',
  24: 'Btw',
  30: 'Voorraad',
  32: 'Vaste activa',
  50: 'Kortlopende schulden',
  60: 'Eigen vermogen',
  90: 'Overige balans',
  110: 'Kosten',
  111: 'Kostprijs omzet / opbrengsten',
};

export interface VatCode {
  code: string;
  percentage: number;
  description: string;
}

/** Sales VAT codes of a Dutch division, padded to 3 characters as Exact returns them. */
export const vatCodes: readonly VatCode[] = [
  { code: '2  ', percentage: 0.21, description: 'Btw hoog tarief' },
  { code: '1  ', percentage: 0.09, description: 'Btw laag tarief' },
  { code: '0  ', percentage: 0, description: 'Btw 0%' },
];

export const countryNames: Readonly<Record<string, string>> = {
  NL: 'Nederland',
  BE: 'België',
  DE: 'Duitsland',
  FR: 'Frankrijk',
  GB: 'Verenigd Koninkrijk',
  US: 'Verenigde Staten',
};
