import { bullets, keyValues, penLines } from './blocks.js';
import { ceremonyPdfOptions, ceremonyRows } from './cover.js';
import { Pdf } from './pdf.js';
import { utcDay } from './text.js';
import type { LettersInput } from './types.js';

const roleNames = { CO: 'Crypto Officer (CO)', RKSH: 'Recovery Key Share Holder (RKSH)' } as const;

/**
 * Notification letters to COs and RKSHs, one per recipient, each numbered on its own ("Letter to
 * ... — page 1 of 1"), with a receipt slip to sign and return.
 */
export async function renderLetterPdf(input: LettersInput): Promise<Buffer> {
  const { ceremony, sender } = input;
  const day = utcDay(input.date, 'The letter date');
  const pdf = new Pdf({ ...ceremonyPdfOptions(ceremony, 'Notification letters'), date: input.date });
  const rehearsal = ceremony.mode === 'REHEARSAL' ? 'REHEARSAL ' : '';

  for (const letter of input.letters) {
    const { recipient } = letter;
    pdf.startSection(`Letter to ${recipient.name}`);
    pdf.paragraph([sender.organization, sender.name, sender.title, ...sender.contact].join('\n'), { size: 9, gap: 14 });
    pdf.paragraph([`Date: ${day}`, ...(letter.reference ? [`Reference: ${letter.reference}`] : [])].join('\n'), { gap: 14 });
    pdf.paragraph([recipient.name, roleNames[recipient.role], ...(recipient.address ?? [])].join('\n'), { gap: 18 });
    pdf.paragraph(`Notice of a ${rehearsal}key ceremony: ${ceremony.title}`, { font: 'bold', size: 11, gap: 12 });
    pdf.paragraph(`Dear ${recipient.name},`);
    pdf.paragraph(`As a ${roleNames[recipient.role]}, you are asked to attend the following ${rehearsal.toLowerCase()}key ceremony in person. ${input.reason}`);
    keyValues(pdf, ceremonyRows(ceremony));
    pdf.paragraph('Please bring:', { font: 'bold' });
    bullets(pdf, letter.bring.length > 0 ? letter.bring : ['nothing but an identity document with your photograph']);
    if (input.respondBy) {
      pdf.paragraph(`Please confirm your attendance to ${sender.name} by ${utcDay(input.respondBy, 'The reply date')}, using the contact details above.`);
    }
    pdf.paragraph('Sincerely,', { gap: 4 });
    penLines(pdf, [`${sender.name}, ${sender.title}`]);

    pdf.ensureSpace(110);
    pdf.space(16);
    pdf.rule(pdf.y);
    pdf.space(8);
    pdf.paragraph(`Receipt: return this part to ${sender.name}, ${sender.organization}.`, { font: 'bold', size: 9 });
    pdf.paragraph(`I, ${recipient.name}, received the notice of ${ceremony.title} (${ceremony.id}) dated ${day}.`, { size: 9 });
    penLines(pdf, ['Signature', 'Date'], [3, 1]);
  }
  return pdf.finish();
}
