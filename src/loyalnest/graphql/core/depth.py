"""The depth limit, introspection included.

Strawberry's ``QueryDepthLimiter`` skips every field whose name begins with ``__``, so a
``__schema { types { fields { type { ofType { ofType ... } } } } }`` was never measured.
Here every field counts. A root introspection field gets its own, larger limit: the
introspection query GraphiQL and code generators send is 14 deep (nine ``ofType``
levels), deeper than ordinary queries need.

Depths are capped while they are measured and memoised per fragment, so a document of
fragments spreading fragments costs one walk of each fragment, never one per spread."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)

# the standard introspection query is 14 deep; one level to spare
INTROSPECTION_MAX_DEPTH = 15


class _Depths:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.memo: dict[tuple[str, int], int] = {}
        self.visiting: set[str] = set()

    def below(self, selection_set: SelectionSetNode | None, cap: int) -> int:
        """The depth of a selection set (a field with sub-fields is one level), at most ``cap``."""
        if selection_set is None or cap <= 0:
            return 0
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                depth = 1 + self.below(selection.selection_set, cap - 1) if selection.selection_set else 0
            elif isinstance(selection, FragmentSpreadNode):
                depth = self.fragment(selection.name.value, cap)
            elif isinstance(selection, InlineFragmentNode):
                depth = self.below(selection.selection_set, cap)
            else:
                continue
            deepest = max(deepest, depth)
            if deepest >= cap:
                return cap
        return deepest

    def fragment(self, name: str, cap: int) -> int:
        key = (name, cap)
        if key in self.memo:
            return self.memo[key]
        definition = self.fragments.get(name)
        if definition is None or name in self.visiting:  # unknown or cyclic: other rules say so
            return 0
        self.visiting.add(name)
        try:
            depth = self.below(definition.selection_set, cap)
        finally:
            self.visiting.discard(name)
        self.memo[key] = depth
        return depth


def depth_limit_rule(max_depth: int, introspection_max_depth: int = INTROSPECTION_MAX_DEPTH) -> type:
    """A validation rule class refusing operations deeper than ``max_depth`` (root
    introspection fields: ``introspection_max_depth``). Built once per schema: the
    validation cache is keyed on the rule classes."""
    introspection_limit = max(max_depth, introspection_max_depth)

    class DepthLimit(ValidationRule):
        def enter_document(self, node: Any, *_args: Any) -> Any:
            fragments = {d.name.value: d for d in node.definitions if isinstance(d, FragmentDefinitionNode)}
            depths = _Depths(fragments)
            for definition in node.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                name = definition.name.value if definition.name else "anonymous"
                for root, root_depth in self._roots(depths, definition.selection_set):
                    limit = introspection_limit if root.name.value.startswith("__") else max_depth
                    if root_depth(limit + 1) > limit:
                        self.report_error(
                            GraphQLError(f"'{name}' exceeds maximum operation depth of {limit}", [root])
                        )
                        break
            return self.SKIP  # one walk of the document; nothing else to visit

        def _roots(self, depths: _Depths, selection_set: SelectionSetNode) -> Any:
            """Each root field (through fragments), with a function giving its depth."""
            seen: set[str] = set()
            stack = [selection_set]
            while stack:
                for selection in stack.pop().selections:
                    if isinstance(selection, FieldNode):
                        yield (
                            selection,
                            lambda cap, s=selection: (
                                1 + depths.below(s.selection_set, cap - 1) if s.selection_set else 0
                            ),
                        )
                    elif isinstance(selection, FragmentSpreadNode):
                        fragment = depths.fragments.get(selection.name.value)
                        if fragment is not None and selection.name.value not in seen:
                            seen.add(selection.name.value)
                            stack.append(fragment.selection_set)
                    elif isinstance(selection, InlineFragmentNode):
                        stack.append(selection.selection_set)

    return DepthLimit
