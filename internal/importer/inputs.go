package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"path"
	"strings"
)

// Roles of the tables an EU import reads.
const (
	roleRCN          = "forskningsradet"
	roleCORDISProj   = "cordis_project"
	roleCORDISOrg    = "cordis_organization"
	familyRegister   = "register"
	familyEU         = "eu"
	maxCSVInZipEntry = 1 << 30
)

// source is one table to read: a CSV file, a sheet of a workbook, or a CSV file in a ZIP.
type source struct {
	file   string // for problems: the file's name, or "archive.zip/engagements.csv"
	sheet  string // a workbook's sheet, or ""
	role   string // a sheet key of the register's format, or an EU role
	weight int64  // for progress: the bytes it comes from
	open   func() (table, error)
	wb     *workbook
}

// inputs are the files of an import, opened and sorted into their tables.
type inputs struct {
	format  Format
	sources []*source
	closers []func() error
}

func (in *inputs) close() {
	for _, c := range in.closers {
		c()
	}
	in.closers = nil
}

// problem records a problem with a whole file.
func fileProblem(rep *Report, file, key string, args ...any) {
	rep.add(Problem{Level: LevelError, File: file, Key: key, Args: args})
}

// openInputs opens every file, finds the tables in it and what each holds, and settles the
// format: the one asked for, or the one the files are in. Whatever is wrong with a file is a
// problem in the report; the error is for failures to read a file at all.
func openInputs(files []File, want Format, rep *Report) (*inputs, error) {
	in := &inputs{}
	if len(files) == 0 {
		fileProblem(rep, "", "import.problem.no_file")
		return in, nil
	}
	for _, f := range files {
		ra, size, closer, err := f.open()
		if err != nil {
			fileProblem(rep, f.Name, "import.problem.unreadable")
			continue
		}
		in.closers = append(in.closers, closer)
		if err := in.add(f, ra, size, rep); err != nil {
			return nil, err
		}
	}
	families := map[string]bool{}
	var eu Format
	xlsx := false
	for _, s := range in.sources {
		switch s.role {
		case roleRCN:
			families[familyEU] = true
			if eu == "" {
				eu = FormatForskningsradet
			}
		case roleCORDISProj, roleCORDISOrg:
			families[familyEU] = true
			if eu == "" {
				eu = FormatCORDIS
			}
		default:
			families[familyRegister] = true
			xlsx = xlsx || s.wb != nil
		}
	}
	switch {
	case len(families) > 1:
		fileProblem(rep, "", "import.problem.mixed_formats")
		return in, nil
	case len(families) == 0:
		return in, nil // every file has its problem already
	case families[familyEU]:
		in.format = eu
	case xlsx:
		in.format = FormatXLSX
	default:
		in.format = FormatCSV
	}
	if want != "" && want != FormatAuto && want != in.format {
		ok := want == FormatCSV && in.format == FormatXLSX || want == FormatXLSX && in.format == FormatCSV ||
			(want == FormatCORDIS || want == FormatForskningsradet) && families[familyEU]
		if !ok {
			fileProblem(rep, "", "import.problem.not_format", "format", string(want))
			in.format = ""
			return in, nil
		}
		if families[familyEU] {
			for _, s := range in.sources {
				if want == FormatCORDIS && s.role == roleRCN || want == FormatForskningsradet && s.role != roleRCN {
					fileProblem(rep, s.file, "import.problem.not_format", "format", string(want))
					in.format = ""
				}
			}
			if in.format == "" {
				return in, nil
			}
			in.format = want
		}
	}
	return in, nil
}

// add finds the tables of one file.
func (in *inputs) add(f File, ra io.ReaderAt, size int64, rep *Report) error {
	if size == 0 {
		fileProblem(rep, f.Name, "import.problem.empty")
		return nil
	}
	head := make([]byte, 8)
	n, _ := ra.ReadAt(head, 0)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		zr, err := zip.NewReader(ra, size)
		if err != nil {
			fileProblem(rep, f.Name, errBrokenXLSX.Error())
			return nil
		}
		for _, zf := range zr.File {
			if zf.Name == "xl/workbook.xml" || zf.Name == "[Content_Types].xml" {
				return in.addWorkbook(f, ra, size, rep)
			}
		}
		return in.addZip(f, zr, size, rep)
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		fileProblem(rep, f.Name, errOldExcel.Error())
		return nil
	}
	return in.addCSV(f.Name, func() (io.Reader, error) { return io.NewSectionReader(ra, 0, size), nil }, size, rep)
}

func (in *inputs) addWorkbook(f File, ra io.ReaderAt, size int64, rep *Report) error {
	wb, err := openWorkbook(ra, size)
	if err != nil {
		fileProblem(rep, f.Name, err.Error())
		return nil
	}
	in.closers = append(in.closers, wb.Close)
	found := false
	for _, name := range wb.sheets() {
		key := sheetByName(name)
		switch {
		case key == "":
			rep.add(Problem{Level: LevelNote, File: f.Name, Sheet: name, Key: "import.problem.unknown_sheet"})
			continue
		case key == sheetMeta:
		default:
			found = true
		}
		in.sources = append(in.sources, &source{file: f.Name, sheet: name, role: key, weight: size / int64(max(1, len(wb.sheets()))),
			wb: wb, open: func() (table, error) { return wb.table(name) }})
	}
	if !found {
		fileProblem(rep, f.Name, "import.problem.no_sheets")
	}
	return nil
}

func (in *inputs) addZip(f File, zr *zip.Reader, size int64, rep *Report) error {
	found := false
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() || strings.HasPrefix(path.Base(zf.Name), ".") || strings.HasPrefix(zf.Name, "__MACOSX/") {
			continue
		}
		name := f.Name + "/" + zf.Name
		if !strings.EqualFold(path.Ext(zf.Name), ".csv") {
			rep.add(Problem{Level: LevelNote, File: name, Key: "import.problem.unknown_sheet"})
			continue
		}
		found = true
		zf := zf
		weight := int64(zf.CompressedSize64)
		if err := in.addCSV(name, func() (io.Reader, error) {
			rc, err := zf.Open()
			if err != nil {
				return nil, err
			}
			return io.LimitReader(rc, maxCSVInZipEntry), nil
		}, weight, rep); err != nil {
			return err
		}
	}
	if !found {
		fileProblem(rep, f.Name, "import.problem.no_sheets")
	}
	return nil
}

// addCSV reads a CSV file's header to find what it holds.
func (in *inputs) addCSV(name string, open func() (io.Reader, error), size int64, rep *Report) error {
	r, err := open()
	if err != nil {
		fileProblem(rep, name, errBrokenXLSX.Error())
		return nil
	}
	t, err := newCSVTable(r, size)
	if err != nil {
		if errors.Is(err, errNotText) {
			fileProblem(rep, name, errNotText.Error())
			return nil
		}
		fileProblem(rep, name, "import.problem.unreadable")
		return nil
	}
	cells, _, err := t.Next()
	if err != nil || blank(cells) {
		fileProblem(rep, name, "import.problem.no_header")
		return nil
	}
	h := newHeader(cells)
	role := ""
	switch {
	case h.has("Prosjektnr") && h.has("Organisasjonsnummer"):
		role = roleRCN
	case h.has("projectID") && h.has("organisationID"):
		role = roleCORDISOrg
	case h.has("id") && h.has("acronym") && h.has("startDate") && (h.has("frameworkProgramme") || h.has("ecMaxContribution")):
		role = roleCORDISProj
	default:
		if role = sheetByName(name); role == "" {
			role = sheetByHeader(h)
		}
	}
	if role == "" {
		fileProblem(rep, name, "import.problem.unknown_table")
		return nil
	}
	if t.encoding == encLatin1 || t.encoding == encUTF16 {
		rep.add(Problem{Level: LevelNote, File: name, Key: "import.problem.read_as", Args: []any{"encoding", t.encoding}})
	}
	in.sources = append(in.sources, &source{file: name, role: role, weight: size, open: func() (table, error) {
		r, err := open()
		if err != nil {
			return nil, err
		}
		return newCSVTable(r, size)
	}})
	return nil
}
