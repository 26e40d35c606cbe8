import { Image, Skeleton } from '@mantine/core';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** The setup URI as an SVG data URL; the same function a test uses to check what the page shows. */
export async function qrCodeDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}

/** The authenticator set-up URI as a QR code, drawn in the browser: the secret never leaves the page. */
export function TotpQrCode({ uri }: { uri: string }) {
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    let current = true;
    void qrCodeDataUrl(uri).then((url) => current && setSrc(url));
    return () => {
      current = false;
    };
  }, [uri]);
  if (!src) return <Skeleton w={200} h={200} />;
  return (
    <Image
      src={src}
      w={200}
      h={200}
      bg="white"
      radius="sm"
      alt="QR code to scan with an authenticator app"
      data-testid="totp-qr"
    />
  );
}
