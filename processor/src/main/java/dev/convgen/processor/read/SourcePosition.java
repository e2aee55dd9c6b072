package dev.convgen.processor.read;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * The source tree of one {@code @ConvSpec}, so errors can point at the offending value even when
 * the annotation is one of several repeated ones (javac's {@code Messager} cannot locate the
 * annotations inside a synthesized {@code @ConvSpecs} container).
 */
public record SourcePosition(CompilationUnitTree unit, AnnotationTree annotation) {

  /** The tree of the value written for {@code element}, or the whole annotation. */
  public Tree valueOr(String element) {
    for (ExpressionTree argument : annotation.getArguments()) {
      if (argument instanceof AssignmentTree assignment
          && assignment.getVariable().toString().equals(element)) {
        return assignment.getExpression();
      }
    }
    return annotation;
  }

  /**
   * The {@code @ConvSpec} annotation trees on {@code holder} in source order, including those inside
   * an explicit {@code @ConvSpecs({...})}; empty when trees are unavailable (a compiler other
   * than javac) or the holder is not from source.
   */
  static List<SourcePosition> of(Trees trees, TypeElement holder) {
    List<SourcePosition> positions = new ArrayList<>();
    TreePath path = trees == null ? null : trees.getPath(holder);
    if (path == null || !(path.getLeaf() instanceof ClassTree type)) {
      return positions;
    }
    for (AnnotationTree annotation : type.getModifiers().getAnnotations()) {
      String name = annotation.getAnnotationType().toString();
      if (name.endsWith("ConvSpecs")) {
        for (ExpressionTree argument : annotation.getArguments()) {
          ExpressionTree value = argument instanceof AssignmentTree assignment
              ? assignment.getExpression() : argument;
          if (value instanceof NewArrayTree array) {
            for (ExpressionTree element : array.getInitializers()) {
              if (element instanceof AnnotationTree nested) {
                positions.add(new SourcePosition(path.getCompilationUnit(), nested));
              }
            }
          } else if (value instanceof AnnotationTree nested) {
            positions.add(new SourcePosition(path.getCompilationUnit(), nested));
          }
        }
      } else if (name.endsWith("ConvSpec")) {
        positions.add(new SourcePosition(path.getCompilationUnit(), annotation));
      }
    }
    return positions;
  }
}
