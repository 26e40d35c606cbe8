import { Alert, Button, Group, List, NumberInput, Text } from '@mantine/core';
import { useState } from 'react';

/**
 * An authorized connection whose divisions Exact would not list: the user's current division
 * in Exact was not ticked on the consent screen, so Exact refuses `system/Divisions` through it.
 * A division the user did tick opens the list; the other fixes need Exact and a new consent.
 */
export function DivisionsUnknown({
  canAdmin,
  reading,
  onReadVia,
  authorizeAgain,
}: {
  canAdmin: boolean;
  reading: boolean;
  onReadVia(code: number): void;
  authorizeAgain: string;
}) {
  const [code, setCode] = useState<number | string>('');
  return (
    <Alert
      color="orange"
      title="Authorized, but Exact did not list the divisions"
      data-testid="divisions-unknown"
    >
      <Text size="sm">
        Koppel holds a working authorization. Exact refuses to list the granted divisions when your current
        division in Exact was not ticked on its consent screen. Choose one fix:
      </Text>
      <List size="sm" type="ordered" mt="xs" spacing={4}>
        <List.Item>
          Enter the number of a division you did tick; Koppel lists the divisions through it.
        </List.Item>
        <List.Item>
          Or <a href={authorizeAgain}>authorize again</a> and also tick your current division.
        </List.Item>
        <List.Item>
          Or switch your current division in Exact Online (the company selector at the top) to one you ticked,
          then authorize again.
        </List.Item>
      </List>
      {canAdmin && (
        <Group align="flex-end" mt="sm">
          <NumberInput
            label="Division number"
            description="As Exact shows it, e.g. 100002"
            name="viaDivision"
            min={1}
            max={2_147_483_647}
            allowDecimal={false}
            allowNegative={false}
            value={code}
            onChange={setCode}
            w={220}
          />
          <Button
            onClick={() => typeof code === 'number' && onReadVia(code)}
            disabled={typeof code !== 'number'}
            loading={reading}
          >
            List divisions through it
          </Button>
        </Group>
      )}
    </Alert>
  );
}
