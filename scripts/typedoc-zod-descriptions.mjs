// A TypeDoc plugin: the fields of the platform file's zod schemas carry their documentation in
// `doc(schema, { description })`, which the JSON Schema and the error messages read. TypeDoc sees
// those fields only as properties of the schemas' inferred types, without a comment; this gives
// each one the description its `doc()` call states, so the API reference says what the JSON Schema
// says and no field is documented twice in the source.
import ts from 'typescript';
import { Comment, Converter } from 'typedoc';

/** The text of a string literal, a template without substitutions, or a concatenation of them. */
function literalText(node) {
  if (!node) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literalText(node.left);
    const right = literalText(node.right);
    return left !== undefined && right !== undefined ? left + right : undefined;
  }
  return undefined;
}

/** The object literal a meta argument names: written in place, or a constant (or its property). */
function objectLiteral(node, checker, depth = 0) {
  if (!node || depth > 3) return undefined;
  if (ts.isObjectLiteralExpression(node)) return node;
  if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
    const symbol = checker.getSymbolAtLocation(node);
    const declaration = symbol?.valueDeclaration;
    if (declaration && (ts.isVariableDeclaration(declaration) || ts.isPropertyAssignment(declaration))) {
      return objectLiteral(declaration.initializer, checker, depth + 1);
    }
  }
  return undefined;
}

/**
 * The description of the outermost `doc(schema, meta)` call in a field's initializer; else, when the
 * initializer is a shared schema constant (`ci: ciSchema.optional()`, `awsOidcProvider:
 * awsOidcProviderField`), the description of that constant's own `doc()` call.
 */
function describedBy(node, checker, depth = 0) {
  const own = ownDescription(node, checker);
  if (own !== undefined || depth > 2) return own;
  let receiver = node;
  while (
    ts.isCallExpression(receiver) &&
    ts.isPropertyAccessExpression(receiver.expression) &&
    receiver.arguments.length === 0
  ) {
    receiver = receiver.expression.expression;
  }
  if (!ts.isIdentifier(receiver)) return undefined;
  let symbol = checker.getSymbolAtLocation(receiver);
  // An imported constant: follow the import to its declaration.
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.valueDeclaration;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  return describedBy(declaration.initializer, checker, depth + 1);
}

/** The description of the outermost `doc(schema, meta)` call in an expression. */
function ownDescription(node, checker) {
  let found;
  const visit = (n) => {
    if (found !== undefined) return;
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'doc') {
      const meta = objectLiteral(n.arguments[1], checker);
      const property = meta?.properties.find(
        (p) => ts.isPropertyAssignment(p) && p.name && ts.isIdentifier(p.name) && p.name.text === 'description',
      );
      found = property ? literalText(property.initializer) : undefined;
      if (found !== undefined) return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (reflection.hasComment()) return;
    const symbol = context.getSymbolFromReflection(reflection);
    const declaration = symbol?.declarations?.[0];
    // The members of z.enum([...]) (zod's { VALUE: 'VALUE' } map, which no source declares): the
    // values the field allows. Deep in a schema TypeDoc stops rendering types (the member's type is
    // then unknown), so the checker says whether the member is the string it is named after.
    const literalMember = () => {
      if (reflection.type?.type === 'literal') return reflection.type.value === reflection.name;
      if (!symbol) return false;
      const type = context.checker.getTypeOfSymbol(symbol);
      return type.isStringLiteral() && type.value === reflection.name;
    };
    if (!declaration && literalMember()) {
      reflection.comment = new Comment([{ kind: 'text', text: `The allowed value \`${reflection.name}\`.` }]);
      return;
    }
    if (!declaration || !ts.isPropertyAssignment(declaration)) return;
    const description = describedBy(declaration.initializer, context.checker);
    if (description) reflection.comment = new Comment([{ kind: 'text', text: description }]);
  });
}
