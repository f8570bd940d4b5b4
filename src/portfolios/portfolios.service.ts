import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { DataSource, EntityManager, In, Not, Repository } from 'typeorm';
import { AppError } from '../common/errors/app-error';
import { sqlState } from '../common/errors/database-errors';
import { AppConfig } from '../config/app-config';
import { parseBusinessNumber } from '../identifiers/domain/identifier';
import { BusinessNumber } from './business-number.entity';
import { PutPortfolioDto } from './dto/put-portfolio.dto';
import { Portfolio } from './portfolio.entity';
import { PortfolioView, toPortfolioView } from './portfolio.view';

export const DEFAULT_PORTFOLIO = 'default';
export const PORTFOLIO_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Whether the caller reaches a portfolio, by key: auth decides, this service only asks. */
export type PortfolioReach = (key: string) => boolean;

/** How long a replica trusts its copy of the portfolios; a write on this replica refreshes it at once. */
const CACHE_MS = 10_000;

interface Snapshot {
  loadedAt: number;
  byKey: Map<string, Portfolio>;
  byNumber: Map<string, Portfolio>;
  byPlatform: Map<string, Portfolio>;
  byMetaId: Map<string, { portfolio: Portfolio; number: string }>;
  /** Region of each portfolio for local-form numbers, worked out once per load. */
  regionByKey: Map<string, CountryCode>;
}

/** Countries of business numbers seen, so that a webhook does not parse its business number again. */
const MAX_REMEMBERED_NUMBERS = 10_000;

/**
 * Portfolios and their business numbers. Webhooks look one up on every request, so reads come
 * from an in-memory snapshot of the (small) table.
 */
@Injectable()
export class PortfoliosService {
  private snapshot: Promise<Snapshot> | undefined;
  private current: Snapshot | undefined;
  private readonly countryByNumber = new Map<string, CountryCode | undefined>();

  constructor(
    @InjectRepository(Portfolio) private readonly portfolios: Repository<Portfolio>,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async find(key: string): Promise<Portfolio | undefined> {
    return (await this.load()).byKey.get(key);
  }

  /** The portfolio owning a business number; `default` when none claims it. */
  async forBusinessNumber(number: string): Promise<Portfolio> {
    const snapshot = await this.load();
    return snapshot.byNumber.get(number) ?? (snapshot.byKey.get(DEFAULT_PORTFOLIO) as Portfolio);
  }

  /** The portfolio of LINK's platformId/platformPartnerId (DLRs carry no business number). */
  async forPlatform(platformId: string | undefined, platformPartnerId: string | undefined): Promise<Portfolio> {
    const snapshot = await this.load();
    const found = platformId
      ? (snapshot.byPlatform.get(platformKey(platformId, platformPartnerId)) ?? snapshot.byPlatform.get(platformKey(platformId, undefined)))
      : undefined;
    return found ?? (snapshot.byKey.get(DEFAULT_PORTFOLIO) as Portfolio);
  }

  /**
   * Region for local-form numbers: the portfolio's own, else the country of the business number
   * the event came through, else the country its business numbers share, else DEFAULT_REGION.
   */
  regionFor(portfolio: Portfolio, businessNumber?: string): CountryCode {
    if (portfolio.region) return portfolio.region as CountryCode;
    const viaNumber = businessNumber ? this.countryOf(businessNumber) : undefined;
    return viaNumber ?? this.current?.regionByKey.get(portfolio.key) ?? this.config.defaultRegion;
  }

  private countryOf(number: string): CountryCode | undefined {
    if (!this.countryByNumber.has(number)) {
      if (this.countryByNumber.size >= MAX_REMEMBERED_NUMBERS) this.countryByNumber.clear();
      this.countryByNumber.set(number, parsePhoneNumberFromString(number)?.country);
    }
    return this.countryByNumber.get(number);
  }

  async list(reach: PortfolioReach): Promise<PortfolioView[]> {
    const all = [...(await this.load()).byKey.values()];
    return all
      .filter((portfolio) => reach(portfolio.key))
      .sort((a, b) => a.key.localeCompare(b.key))
      .map(toPortfolioView);
  }

  /** The keys of a group's portfolios, whoever asks. */
  async groupKeys(group: string): Promise<string[]> {
    return [...(await this.load()).byKey.values()].filter((portfolio) => portfolio.group === group).map((portfolio) => portfolio.key);
  }

  /** The portfolios of a group (they share parent BSUIDs) that the caller reaches, by key. */
  async inGroup(reach: PortfolioReach, group: string): Promise<Portfolio[]> {
    const all = [...(await this.load()).byKey.values()];
    return all.filter((portfolio) => portfolio.group === group && reach(portfolio.key)).sort((a, b) => a.key.localeCompare(b.key));
  }

  async put(reach: PortfolioReach, key: string, dto: PutPortfolioDto): Promise<{ created: boolean; portfolio: PortfolioView }> {
    if (!PORTFOLIO_KEY.test(key))
      throw AppError.invalidField('portfolio', 'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit');
    const numbers = [...new Set(dto.businessNumbers.map((raw, index) => parseBusinessNumber(raw, `businessNumbers[${index}]`)))];
    const phoneNumberIds = metaPhoneNumberIds(dto, numbers);
    try {
      const created = await this.dataSource.transaction(async (manager) => {
        const current = await manager.findOne(Portfolio, { where: { key }, relations: { businessNumbers: true } });
        await this.assertMayClaim(manager, reach, key, current, numbers, dto);
        await manager.upsert(
          Portfolio,
          {
            key,
            platformId: dto.platformId ?? null,
            platformPartnerId: dto.platformPartnerId ?? null,
            group: dto.group ?? null,
            region: dto.region ?? null,
            linkUsername: dto.upstream?.username ?? null,
            linkPassword: dto.upstream?.password ?? null,
            enforceCareWindow: dto.sendPolicies?.careWindow ?? false,
            skipInvalidContacts: dto.sendPolicies?.skipInvalid ?? false,
            skipMarketingOptOut: dto.sendPolicies?.skipMarketingOptOut ?? false,
            unknownTemplates: dto.sendPolicies?.unknownTemplates ?? 'phone-or-reject',
            metaVerifyToken: dto.meta?.verifyToken ?? null,
            metaAppSecret: dto.meta?.appSecret ?? null,
            updatedAt: new Date(),
          },
          ['key'],
        );
        await manager.delete(BusinessNumber, { portfolio: key, number: Not(In(numbers)) });
        if (numbers.length > 0)
          await manager.upsert(
            BusinessNumber,
            numbers.map((number) => ({ number, portfolio: key, metaPhoneNumberId: phoneNumberIds.get(number) ?? null })),
            ['number'],
          );
        return current === null;
      });
      this.invalidate();
      return { created, portfolio: toPortfolioView((await this.find(key)) as Portfolio) };
    } catch (error) {
      if (sqlState(error) === '23505')
        throw AppError.conflict('A business number, LINK platform or Meta phone number id is already claimed by another portfolio');
      throw error;
    }
  }

  /**
   * A number another portfolio owns is refused. One nobody claims belongs to `default`, and so does
   * the traffic of a LINK platform nobody claims: taking either needs a key that reaches `default`.
   */
  private async assertMayClaim(
    manager: EntityManager,
    reach: PortfolioReach,
    key: string,
    current: Portfolio | null,
    numbers: string[],
    dto: PutPortfolioDto,
  ): Promise<void> {
    const taken = await manager.find(BusinessNumber, {
      where: { number: In(numbers), portfolio: Not(key) },
      lock: { mode: 'pessimistic_read' },
    });
    if (taken.length > 0) {
      // The owner is not named: the caller may not reach it.
      throw AppError.conflict(`Business numbers already belong to another portfolio: ${taken.map((n) => n.number).join(', ')}`);
    }
    if (key === DEFAULT_PORTFOLIO || reach(DEFAULT_PORTFOLIO)) return;
    const owned = new Set((current?.businessNumbers ?? []).map((number) => number.number));
    const newNumbers = numbers.filter((number) => !owned.has(number));
    const newPlatform =
      dto.platformId !== undefined &&
      (dto.platformId !== current?.platformId || (dto.platformPartnerId ?? null) !== current?.platformPartnerId);
    if (newNumbers.length > 0 || newPlatform) {
      throw AppError.noAccess(
        'No access: claiming business numbers or a LINK platform takes them from the default portfolio, which this key does not reach',
      );
    }
  }

  /**
   * The portfolio owning the business number a Meta webhook came through, and that number: by its
   * Meta phone number id, else by the number itself; none when nobody owns it. A display number
   * given with the id must be the number the id is mapped to: one that is not says the id is
   * somebody else's (a mapping gone wrong), and nothing is read.
   */
  async forMetaNumber(
    phoneNumberId: string | undefined,
    displayNumber: string | undefined,
  ): Promise<{ portfolio: Portfolio; businessNumber: string } | undefined> {
    const snapshot = await this.load();
    const number = metaDisplayNumber(displayNumber);
    const byId = phoneNumberId === undefined ? undefined : snapshot.byMetaId.get(phoneNumberId);
    if (byId)
      return displayNumber === undefined || number === byId.number ? { portfolio: byId.portfolio, businessNumber: byId.number } : undefined;
    const portfolio = number === undefined ? undefined : snapshot.byNumber.get(number);
    return portfolio && number !== undefined ? { portfolio, businessNumber: number } : undefined;
  }

  /** The portfolios set up for Meta's webhooks. */
  async withMeta(): Promise<Portfolio[]> {
    return [...(await this.load()).byKey.values()].filter((portfolio) => portfolio.metaVerifyToken && portfolio.metaAppSecret);
  }

  /** Drops the cached copy, for a change made behind this replica's back (another replica, a test). */
  invalidate(): void {
    this.snapshot = undefined;
  }

  private load(): Promise<Snapshot> {
    const current = this.snapshot;
    if (current) {
      return current.then((snapshot) => (Date.now() - snapshot.loadedAt < CACHE_MS ? snapshot : this.refresh()));
    }
    return this.refresh();
  }

  private refresh(): Promise<Snapshot> {
    const loading = this.portfolios.find({ relations: { businessNumbers: true } }).then((all) => {
      const snapshot: Snapshot = {
        loadedAt: Date.now(),
        byKey: new Map(),
        byNumber: new Map(),
        byPlatform: new Map(),
        byMetaId: new Map(),
        regionByKey: new Map(),
      };
      for (const portfolio of all) {
        snapshot.byKey.set(portfolio.key, portfolio);
        for (const number of portfolio.businessNumbers) {
          snapshot.byNumber.set(number.number, portfolio);
          if (number.metaPhoneNumberId) snapshot.byMetaId.set(number.metaPhoneNumberId, { portfolio, number: number.number });
        }
        if (portfolio.platformId)
          snapshot.byPlatform.set(platformKey(portfolio.platformId, portfolio.platformPartnerId ?? undefined), portfolio);
        const countries = new Set(portfolio.businessNumbers.map((number) => this.countryOf(number.number)));
        const [shared] = countries;
        if (countries.size === 1 && shared) snapshot.regionByKey.set(portfolio.key, shared);
      }
      this.current = snapshot;
      return snapshot;
    });
    this.snapshot = loading;
    loading.catch(() => {
      if (this.snapshot === loading) this.snapshot = undefined;
    });
    return loading;
  }
}

/** Each Meta phone number id by the business number it names, which must be one of the portfolio's. */
function metaPhoneNumberIds(dto: PutPortfolioDto, numbers: string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const seen = new Set<string>();
  (dto.meta?.phoneNumbers ?? []).forEach((entry, index) => {
    const field = `meta.phoneNumbers[${index}]`;
    const number = parseBusinessNumber(entry.number, `${field}.number`);
    if (!numbers.includes(number)) throw AppError.invalidField(`${field}.number`, 'must be one of businessNumbers');
    if (ids.has(number) || seen.has(entry.phoneNumberId)) throw AppError.invalidField(field, 'names a number or a phone number id twice');
    ids.set(number, entry.phoneNumberId);
    seen.add(entry.phoneNumberId);
  });
  return ids;
}

function platformKey(platformId: string, platformPartnerId: string | undefined): string {
  return `${platformId}\u0000${platformPartnerId ?? ''}`;
}

/** Meta's `display_phone_number` (digits, maybe `+`, spaces or dashes) as a business number is written, or undefined. */
function metaDisplayNumber(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return parseBusinessNumber(raw, 'metadata.display_phone_number');
  } catch {
    return undefined;
  }
}
