import { describe, expect, it } from 'vitest';
import { SimClock } from '../src/clock.ts';
import { defaultSettings, resolveSettings, SettingsError } from '../src/config.ts';

describe('settings', () => {
  it('overlays layers on the documented defaults', () => {
    const settings = resolveSettings(
      { oauth: { refreshMinAgeMs: 0 } },
      { port: 0, rateLimits: { daily: 9000 } },
    );
    expect(settings.port).toBe(0);
    expect(settings.oauth.refreshMinAgeMs).toBe(0);
    expect(settings.oauth.accessTokenLifetimeMs).toBe(600_000);
    expect(settings.rateLimits).toMatchObject({ daily: 9000, minutely: 60, enabled: true });
    expect(defaultSettings().oauth.refreshRevokesAccessToken).toBe(false);
    expect(defaultSettings().oauth.acceptBasicAuth).toBe(true);
  });

  it('names the setting and the fix for bad values and unknown keys', () => {
    expect(() => resolveSettings({ oauth: { codeLifetimeMs: -1 } })).toThrow(
      'Invalid setting oauth.codeLifetimeMs: expected an integer from 1',
    );
    expect(() => resolveSettings({ rateLimit: {} } as never)).toThrow(
      /Invalid setting rateLimit: unknown setting; known here: host, port/,
    );
    expect(() => resolveSettings({ defaultApp: { redirectUri: 'nope' } })).toThrow(SettingsError);
    expect(() => resolveSettings({ defaultDivisions: [] })).toThrow(/non-empty array/);
    expect(() => resolveSettings({ clock: { start: 'yesterday' } })).toThrow(/ISO date-time/);
  });
});

describe('SimClock', () => {
  it('ticks with real time unless frozen, and only moves forward', () => {
    let real = 1000;
    const clock = new SimClock({ startMs: 5000, frozen: false, realNow: () => real });
    real += 250;
    expect(clock.now()).toBe(5250);
    expect(clock.advance(750)).toBe(6000);
    real += 10;
    expect(clock.now()).toBe(6010);
    expect(() => clock.set(100)).toThrow(/only moves forward/);

    const frozen = new SimClock({ startMs: 5000, frozen: true, realNow: () => real });
    real += 1000;
    expect(frozen.now()).toBe(5000);
  });
});
