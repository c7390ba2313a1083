import { StatementError } from '../expression/statement-error.ts'
import type { Statement } from '../parser/ast.ts'
import { UnsupportedStatementError } from '../parser/parser.ts'
import type { ExecutionState } from './engine-context.ts'

/** ALTER: ksqlDB refuses it on SOURCE streams/tables with its own wording; elsewhere unsupported here. */
export function alter(statement: Statement & { kind: 'alter' }, s: ExecutionState): never {
  const source = s.metastore.get(statement.name)
  if (source?.isSource === true) {
    const word = source.type === 'STREAM' ? 'stream' : 'table'
    throw new StatementError(
      `Cannot alter ${word} '${statement.name}': ALTER operations are not supported on source ${word}s.`,
    )
  }
  throw new UnsupportedStatementError('ALTER')
}
