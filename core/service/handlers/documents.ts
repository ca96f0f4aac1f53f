import type { documentsChannels } from '../../contract/channels/documents.js';
import { listPrinters } from '../../documents/print.js';
import { KskError } from '../../errors.js';
import { findRemovableMedia } from '../../export/media.js';
import type { ServiceContext } from '../context.js';
import type { Handler } from '../dispatch.js';

type DocumentsHandlers = { [C in keyof typeof documentsChannels]: Handler<C> };

const notYet = (): never => {
  throw new KskError('INTERNAL', 'not implemented yet');
};

export function documentsHandlers(_ctx: ServiceContext): DocumentsHandlers {
  return {
    'documents.render': notYet,
    'documents.renderTemplateScript': notYet,
    'documents.print': notYet,
    'documents.printers': () => listPrinters(),
    'export.media': async () => ({ media: await findRemovableMedia() }),
    'export.bundle': notYet,
    'export.verify': notYet,
  };
}
