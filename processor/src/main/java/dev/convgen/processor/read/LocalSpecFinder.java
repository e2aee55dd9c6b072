package dev.convgen.processor.read;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Element;

/**
 * Finds {@code @ConvSpec}s on local and anonymous classes: annotation processors never see those
 * classes, so without this the spec would be silently ignored.
 */
public final class LocalSpecFinder {

  private LocalSpecFinder() {}

  /** The annotation trees (with their paths) of specs on local classes under {@code roots}. */
  public static List<TreePath> find(Trees trees, Set<? extends Element> roots) {
    List<TreePath> found = new ArrayList<>();
    if (trees == null) {
      return found;
    }
    for (Element root : roots) {
      TreePath path = trees.getPath(root);
      if (path == null) {
        continue;
      }
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitClass(ClassTree type, Void unused) {
          Tree.Kind parent = getCurrentPath().getParentPath().getLeaf().getKind();
          boolean local = parent != Tree.Kind.COMPILATION_UNIT && parent != Tree.Kind.CLASS
              && parent != Tree.Kind.INTERFACE && parent != Tree.Kind.ENUM
              && parent != Tree.Kind.RECORD && parent != Tree.Kind.ANNOTATION_TYPE;
          if (local) {
            for (AnnotationTree annotation : type.getModifiers().getAnnotations()) {
              String name = annotation.getAnnotationType().toString();
              if (name.endsWith("ConvSpec") || name.endsWith("ConvSpecs")) {
                found.add(new TreePath(getCurrentPath(), annotation));
              }
            }
          }
          return super.visitClass(type, unused);
        }
      }.scan(path, null);
    }
    return found;
  }
}
