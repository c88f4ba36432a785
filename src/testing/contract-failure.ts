/** A failed check of a contract suite: what was checked, what was expected and what came. */
export class ContractFailure extends Error {
  override readonly name = 'ContractFailure';
}
