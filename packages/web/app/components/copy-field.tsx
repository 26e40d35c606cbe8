import { ActionIcon, Code, CopyButton, Group, Tooltip } from '@mantine/core';

/** A value shown in full with a button that copies it (redirect URI, new tokens, invitation links). */
export function CopyField({ value, label }: { value: string; label: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Code style={{ wordBreak: 'break-all' }} data-testid={`copy-${label}`}>
        {value}
      </Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : `Copy ${label}`} withArrow>
            <ActionIcon
              variant="light"
              color={copied ? 'green' : 'blue'}
              onClick={copy}
              aria-label={`Copy ${label}`}
            >
              {copied ? <CheckIcon /> : <CopyIcon />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

const ICON = {
  width: 16,
  height: 16,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 2,
};

function CopyIcon() {
  return (
    <svg {...ICON} aria-hidden="true">
      <rect x="9" y="9" width="12" height="12" rx="2" />
      <path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1" />
    </svg>
  );
}

function CheckIcon() {
  return (
    <svg {...ICON} aria-hidden="true">
      <path d="M5 12l5 5L20 7" />
    </svg>
  );
}
