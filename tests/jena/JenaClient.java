// A SPARQL client written with Apache Jena (Debian's libapache-jena-java), run by tests/test_jena_client.py
// as a single-file Java program: java -cp JARS tests/jena/JenaClient.java SERVICE KIND ARGUMENT
//   select QUERY   -> one line per row, the terms tab-separated, in N-Triples syntax (header: the variables)
//   ask QUERY      -> true or false
//   construct QUERY -> the triple count, then the triples in N-Triples, sorted
//   graph IRI      -> the same for a Graph Store GET of one graph
// SERVICE is the site's root; queries go to SERVICE/sparql, the Graph Store to SERVICE/graph-store.
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.jena.graph.Node;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QuerySolution;
import org.apache.jena.query.ResultSet;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.StmtIterator;
import org.apache.jena.rdfconnection.RDFConnection;
import org.apache.jena.rdfconnection.RDFConnectionRemote;

public class JenaClient {
    static String term(Node n) {
        if (n == null) return "";
        if (n.isURI()) return "<" + n.getURI() + ">";
        if (n.isBlank()) return "_:b";  // blank node labels are local to a document
        String lex = "\"" + n.getLiteralLexicalForm() + "\"";
        String lang = n.getLiteralLanguage();
        if (lang != null && !lang.isEmpty()) return lex + "@" + lang;
        String dt = n.getLiteralDatatypeURI();
        return dt == null || dt.equals("http://www.w3.org/2001/XMLSchema#string") ? lex : lex + "^^<" + dt + ">";
    }

    static void printModel(Model m) {
        List<String> lines = new ArrayList<>();
        for (StmtIterator it = m.listStatements(); it.hasNext(); ) {
            org.apache.jena.graph.Triple t = it.next().asTriple();
            lines.add(term(t.getSubject()) + " " + term(t.getPredicate()) + " " + term(t.getObject()) + " .");
        }
        Collections.sort(lines);
        System.out.println(m.size());
        lines.forEach(System.out::println);
    }

    public static void main(String[] args) {
        String service = args[0], kind = args[1], argument = args[2];
        try (RDFConnection conn = RDFConnectionRemote.newBuilder().destination(service)
                .queryEndpoint("sparql").gspEndpoint("graph-store").build()) {
            switch (kind) {
                case "select" -> {
                    try (QueryExecution qe = conn.query(argument)) {
                        ResultSet rows = qe.execSelect();
                        List<String> vars = rows.getResultVars();
                        System.out.println(String.join("\t", vars));
                        while (rows.hasNext()) {
                            QuerySolution row = rows.next();
                            List<String> cells = new ArrayList<>();
                            for (String v : vars) cells.add(row.get(v) == null ? "" : term(row.get(v).asNode()));
                            System.out.println(String.join("\t", cells));
                        }
                    }
                }
                case "ask" -> System.out.println(conn.queryAsk(argument));
                case "construct" -> printModel(conn.queryConstruct(argument));
                case "graph" -> printModel(conn.fetch(argument));
                default -> throw new IllegalArgumentException("unknown kind " + kind);
            }
        }
    }
}
